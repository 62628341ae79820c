import { useState } from 'react';
import type { LocalizedText } from '../../../shared/schema/common';
import { copyKeyOf } from '../../../shared/project/copy';
import { markReviewed } from '../../../shared/project/staleTranslations';
import { controlId, issuesAt, useEditor } from './context';
import { useFromNodes } from './fromNodes';
import { useLineId } from './lineId';
import { StoryWordChecks } from './StoryWordChecks';
import { LintNotes } from './LintNotes';
import { Messages, RowActions, a11yProps } from './controls';
import {
  getIn,
  missingLocales,
  moveCopyVariant,
  pathKey,
  removeCopyVariant,
  setCopyVariant,
  setIn,
  variantsOf,
  type CopyRules,
  type FieldIssue,
  type Path,
} from './nodeEdit';

export interface CopyFieldProps {
  /** Visible label; each locale's first textarea is named `<label> (<locale>)`, e.g. `Bot says (en)`. */
  label: string;
  /** Where the localized text lives in the node: `['say']`, `['buttons', 0, 'label']`. */
  path: Path;
  /** The field in coalescing keys, built from ids: `say`, `validation.message`, `buttons.yes.label`. */
  copyKey: string;
  value: LocalizedText | undefined;
  required: boolean;
  /** Offer "add variant" (the engine picks one at random); existing variants are always shown. */
  allowVariants?: boolean;
}

const rowsFor = (text: string, min: number) => Math.min(10, Math.max(min, Math.ceil(text.length / 32) + (text.match(/\n/g)?.length ?? 0)));

/** What the bot says in one field: a textarea per project locale, with variants, and a marker for missing translations. */
export function CopyField({ label, path, copyKey, value, required, allowVariants = true }: CopyFieldProps) {
  const ed = useEditor();
  const key = pathKey(path);
  const cid = controlId(key);
  const extra = value ? Object.keys(value).filter((l) => !ed.locales.includes(l)) : [];
  const locales = [...ed.locales, ...extra];
  const missing = missingLocales(value, ed.locales);
  const fieldIssues = issuesAt(ed.issues, key);
  // Issues of the whole field go under the default locale (or the first one shown).
  const issuesLocale = locales.includes(ed.defaultLocale) ? ed.defaultLocale : locales[0];
  return (
    <div className="insp-copy" role="group" aria-labelledby={`${cid}-label`}>
      <div className="insp-copy-head">
        <span className="insp-label" id={`${cid}-label`}>
          {label}
        </span>
        {required && <span className="insp-req">required</span>}
        {missing.length > 0 && (
          <span className="insp-missing" title={`No copy in ${missing.join(', ')}`}>
            missing {missing.join(', ')}
          </span>
        )}
        <StableCopyId path={path} />
      </div>
      {locales.map((loc) => (
        <CopyLocale
          key={loc}
          label={label}
          path={path}
          copyKey={copyKey}
          value={value}
          locale={loc}
          rules={{ required, defaultLocale: ed.defaultLocale }}
          missing={missing.includes(loc)}
          extra={extra.includes(loc)}
          allowVariants={allowVariants}
          fieldIssues={loc === issuesLocale ? fieldIssues : []}
        />
      ))}
      <StoryWordChecks path={path} value={value} />
    </div>
  );
}

/**
 * The line's stable copy id (shared/project/copyIds.ts), which stories (`copy: c_…`), translations and comments
 * name it by, and its readable id: shown so that an engineer can copy it into a story.
 */
function StableCopyId({ path }: { path: Path }) {
  const line = useLineId(path);
  if (!line) return null;
  const { id, alias } = line;
  return (
    <code className="insp-copy-id" title={`Copy id of this line: it stays when the node or its buttons are renamed. Readable id: ${alias}`}>
      {id}
    </code>
  );
}

/**
 * A translation written for an earlier default-locale text (shared/project/staleTranslations.ts): the text it was
 * written for, and a button that marks it reviewed. Editing the translation ends it too.
 */
function StaleMark({ path, locale, label }: { path: Path; locale: string; label: string }) {
  const ed = useEditor();
  const stale = useFromNodes(
    ed.flowId,
    `${ed.nodeId}\n${pathKey(path)}\n${locale}`,
    (nodes) => {
      const node = nodes.find((n) => n.id === ed.nodeId);
      const id = node?.copyIds?.[copyKeyOf(node, path)];
      const was = id !== undefined ? node?.staleTranslations?.[id]?.[locale] : undefined;
      return id !== undefined && was !== undefined ? { id, was } : undefined;
    },
    (a, b) => a?.id === b?.id && a?.was === b?.was,
  );
  if (!stale) return null;
  return (
    <>
      <span className="insp-missing-badge" title={`Written for: ${stale.was}`}>
        needs review
      </span>
      <button
        type="button"
        className="insp-link"
        aria-label={`Mark the ${locale} of ${label} reviewed`}
        onClick={() => ed.edit((n) => markReviewed(n, stale.id, locale))}
      >
        Mark reviewed
      </button>
    </>
  );
}

function CopyLocale({
  label,
  path,
  copyKey,
  value,
  locale,
  rules,
  missing,
  extra,
  allowVariants,
  fieldIssues,
}: {
  label: string;
  path: Path;
  copyKey: string;
  value: LocalizedText | undefined;
  locale: string;
  rules: CopyRules;
  missing: boolean;
  extra: boolean;
  allowVariants: boolean;
  fieldIssues: FieldIssue[];
}) {
  const ed = useEditor();
  const [adding, setAdding] = useState(false);
  const variants = variantsOf(value, locale);
  const cid = controlId([...path, locale]);
  const listId = `${cid}-variants`;
  const reference = locale !== ed.defaultLocale ? variantsOf(value, ed.defaultLocale)[0] : undefined;
  const current = (n: Parameters<typeof getIn>[0]) => getIn(n, path) as LocalizedText | undefined;
  const write = (fn: (t: LocalizedText | undefined) => LocalizedText | undefined, coalesce?: string) =>
    // `fn` keeps `{}` for a required field (reported by the schema); `undefined` leaves an optional one out.
    ed.edit((n) => setIn(n, path, fn(current(n))), coalesce);
  const rows = variants.length === 0 ? [''] : variants;
  const shown = adding ? [...rows, ''] : rows;
  const count = variants.length;
  const multi = count > 1;
  // Only the first textarea is named exactly `<label> (<locale>)`; no other name contains that text, so
  // `getByLabel('Bot says (en)')` finds one control.
  const name = (i: number) => (i === 0 ? `${label} (${locale})` : `${label} variant ${i + 1} (${locale})`);
  return (
    <div className={`insp-copy-locale${missing ? ' is-missing' : ''}`}>
      <div className="insp-copy-loc-head">
        <span className="locale">{locale}</span>
        {locale === ed.defaultLocale && <span className="insp-muted">default</span>}
        {missing && <span className="insp-missing-badge">missing translation</span>}
        {locale !== ed.defaultLocale && <StaleMark path={path} locale={locale} label={label} />}
        {extra && <span className="insp-missing-badge">not a project locale</span>}
        {multi && <span className="insp-muted">{count} variants, one picked at random</span>}
        {allowVariants && count > 0 && !adding && (
          <button type="button" id={`${listId}-add`} className="insp-link" aria-label={`Add a variant to ${label}, ${locale}`} onClick={() => setAdding(true)}>
            + variant
          </button>
        )}
      </div>
      {shown.map((text, i) => {
        const pending = adding && i === rows.length;
        const vid = `${cid}-v${i}`;
        const issues = [
          ...(i === 0 ? [...fieldIssues, ...issuesAt(ed.issues, pathKey([...path, locale]))] : []),
          ...issuesAt(ed.issues, pathKey([...path, locale, i])),
        ];
        return (
          <div className={`insp-variant${multi || pending ? ' numbered' : ''}`} key={`v${i}`}>
            {(multi || pending) && (
              <span className="insp-variant-n" aria-hidden="true">
                {i + 1}
              </span>
            )}
            <textarea
              id={i === 0 ? controlId([...path, locale]) : vid}
              aria-label={name(i)}
              rows={rowsFor(text, i === 0 ? 2 : 1)}
              value={text}
              placeholder={pending ? 'Another way to say it' : i === 0 && reference ? `${ed.defaultLocale}: ${reference}` : undefined}
              autoFocus={pending}
              onChange={(e) => {
                const v = e.target.value;
                if (pending) {
                  if (v === '') return;
                  setAdding(false);
                }
                write((t) => setCopyVariant(t, locale, i, v, rules), `copy:${ed.nodeId}.${copyKey}.${locale}.${i}`);
              }}
              onBlur={() => {
                ed.seal();
                if (pending) setAdding(false);
              }}
              onKeyDown={(e) => {
                if (pending && e.key === 'Escape') setAdding(false);
              }}
              {...a11yProps(vid, issues)}
            />
            {multi && !pending && (
              <RowActions
                listId={listId}
                index={i}
                count={count}
                itemLabel={`variant ${i + 1} of ${label}, ${locale}`}
                onMove={(from, to) => write((t) => moveCopyVariant(t, locale, from, to))}
                onRemove={(at) => write((t) => removeCopyVariant(t, locale, at, rules))}
              />
            )}
            <Messages cid={vid} issues={issues} />
          </div>
        );
      })}
      <LintNotes texts={variants} locale={locale} label={label} />
    </div>
  );
}
