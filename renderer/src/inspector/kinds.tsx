import { useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { Id } from '../../../shared/schema/common';
import { exhaustive } from '../../../shared/schema/exits';
import { GuardrailCheck, HttpMethod, SlotType, type FlowNode, type NodeOf } from '../../../shared/schema/nodes';
import { enterFlow, useStudio } from '../store/studioStore';
import { controlId, issuesAt, useEditor } from './context';
import { AddFromList, AddText, CheckboxField, ChipList, Messages, NumberField, RowActions, SelectField, TextField, a11yProps, focusSoon, type Option } from './controls';
import { CopyField } from './CopyField';
import { useNodeChoices } from './Exits';
import { moveItem, pathKey, removeItem, uniqueId } from './nodeEdit';

const NO_STRINGS: string[] = [];
const opts = (values: readonly string[]): Option[] => values.map((v) => ({ value: v, label: v }));

// ---------------------------------------------------------------------------------------------------------
// Copy section

/** Whether a kind has copy (what the bot says): message, ask, handoff, end. */
export const hasCopy = (node: FlowNode): boolean => ['message', 'ask', 'handoff', 'end'].includes(node.kind);

/** Paths (as `pathKey` prefixes) that the Copy section shows, to count its problems. */
export function copyRoots(node: FlowNode): string[] {
  switch (node.kind) {
    case 'message':
      return ['say', 'buttons'];
    case 'ask':
      return ['prompt', 'reprompt', 'validation.message'];
    case 'handoff':
    case 'end':
      return ['say'];
    default:
      return [];
  }
}

export function CopyFields({ node }: { node: FlowNode }) {
  switch (node.kind) {
    case 'message':
      return (
        <>
          <CopyField label="Bot says" path={['say']} copyKey="say" value={node.say} required />
          <ButtonsEditor node={node} />
        </>
      );
    case 'ask':
      return (
        <>
          <CopyField label="Question" path={['prompt']} copyKey="prompt" value={node.prompt} required />
          <CopyField label="Re-prompt" path={['reprompt']} copyKey="reprompt" value={node.reprompt} required={false} />
          <CopyField
            label="Validation message"
            path={['validation', 'message']}
            copyKey="validation.message"
            value={node.validation?.message}
            required={Boolean(node.validation?.expr)}
          />
        </>
      );
    case 'handoff':
    case 'end':
      return <CopyField label="Bot says" path={['say']} copyKey="say" value={node.say} required={false} />;
    default:
      return null;
  }
}

function ButtonsEditor({ node }: { node: NodeOf<'message'> }) {
  const ed = useEditor();
  const buttons = node.buttons ?? [];
  const listId = controlId('buttons');
  const edit = (fn: (b: NonNullable<NodeOf<'message'>['buttons']>) => NodeOf<'message'>['buttons']) =>
    ed.edit((n) => (n.kind === 'message' ? { ...n, buttons: fn(n.buttons ?? []) } : n));
  return (
    <div className="insp-list" role="group" aria-labelledby={`${listId}-label`}>
      <div className="insp-list-head">
        <span className="insp-label" id={`${listId}-label`}>
          Quick-reply buttons
        </span>
      </div>
      {buttons.length === 0 && <p className="insp-empty">No buttons.</p>}
      {buttons.map((b, i) => (
        <fieldset className="insp-item" key={i}>
          <legend>
            Button {i + 1}
            <RowActions
              listId={listId}
              index={i}
              count={buttons.length}
              itemLabel={`button ${i + 1}`}
              onMove={(from, to) => edit((list) => moveItem(list, from, to))}
              onRemove={(at) => edit((list) => removeItem(list, at))}
            />
          </legend>
          <div className="insp-row">
            <TextField label="Id" ariaLabel={`Button ${i + 1} id`} path={['buttons', i, 'id']} value={b.id} mono />
            <TextField label="Payload" ariaLabel={`Button ${i + 1} payload`} path={['buttons', i, 'payload']} value={b.payload} optional placeholder={b.id} mono />
          </div>
          <CopyField label={`Button ${i + 1} label`} path={['buttons', i, 'label']} copyKey={`buttons.${b.id}.label`} value={b.label} required allowVariants={false} />
          <p className="insp-hint">
            Leads to <code>{b.next ?? '— not connected —'}</code> (see Exits)
          </p>
        </fieldset>
      ))}
      <button
        type="button"
        id={`${listId}-add`}
        className="insp-add"
        onClick={() => {
          const id = uniqueId('button', buttons.map((b) => b.id));
          edit((list) => [...list, { id, label: { [ed.defaultLocale]: '' } }]);
          focusSoon(controlId(['buttons', buttons.length, 'label', ed.defaultLocale]));
        }}
      >
        + Add button
      </button>
    </div>
  );
}

// ---------------------------------------------------------------------------------------------------------
// Behaviour section

/** Whether the Behaviour section has anything for this kind (a message node's buttons live under Copy). */
export const hasBehaviour = (node: FlowNode): boolean => node.kind !== 'message';

export function BehaviourFields({ node }: { node: FlowNode }) {
  switch (node.kind) {
    case 'start':
      return <StartFields node={node} />;
    case 'message':
      return null;
    case 'ask':
      return <AskFields node={node} />;
    case 'listen':
      return <ListenFields node={node} />;
    case 'condition':
      return <ConditionFields node={node} />;
    case 'set':
      return <SetFields node={node} />;
    case 'llm':
      return <LlmFields node={node} />;
    case 'knowledge':
      return <KnowledgeFields node={node} />;
    case 'api':
      return <ApiFields node={node} />;
    case 'guardrail':
      return <GuardrailFields node={node} />;
    case 'handoff':
      return <HandoffFields node={node} />;
    case 'jump':
    case 'call':
      return <FlowTargetFields node={node} />;
    case 'end':
      return <EndFields node={node} />;
    default:
      return exhaustive(node);
  }
}

function useIntentIds(): string[] {
  return useStudio(useShallow((s) => s.project?.nlu.intents.map((i) => i.id) ?? NO_STRINGS));
}

function StartFields({ node }: { node: NodeOf<'start'> }) {
  const ed = useEditor();
  const intents = useIntentIds();
  const triggers = node.triggers ?? [];
  const cid = controlId('triggers');
  return (
    <ChipList
      label="Trigger intents"
      path={['triggers']}
      values={triggers}
      itemNoun="trigger"
      onRemove={(i) => ed.set(['triggers'], removeItem(triggers, i), false)}
      hint="These intents enter this flow from anywhere in the project."
    >
      <AddFromList
        id={`${cid}-add`}
        label="Intent to add as a trigger"
        options={intents.map((id) => ({ value: id, label: id, disabled: triggers.includes(id) }))}
        onAdd={(id) => ed.set(['triggers'], [...triggers, id], false)}
      />
    </ChipList>
  );
}

function AskFields({ node }: { node: NodeOf<'ask'> }) {
  const ed = useEditor();
  const entities = useStudio(useShallow((s) => s.project?.nlu.entities?.map((e) => e.id) ?? NO_STRINGS));
  return (
    <>
      <TextField label="Slot" path={['slot']} value={node.slot} mono placeholder="slots.answer" hint="The variable the answer is stored in." />
      <div className="insp-row">
        <SelectField
          label="Answer type"
          path={['type']}
          value={node.type}
          options={opts(SlotType.options)}
          onChoose={(v) =>
            ed.edit((n) => {
              if (n.kind !== 'ask') return n;
              const { entity: _entity, ...rest } = n;
              return v === 'entity' ? { ...n, type: 'entity' } : { ...rest, type: v as NodeOf<'ask'>['type'] };
            })
          }
        />
        {(node.type === 'entity' || node.entity !== undefined) && (
          <SelectField label="Entity" path={['entity']} value={node.entity} options={opts(entities)} emptyLabel="— choose an entity —" />
        )}
      </div>
      <TextField
        label="Accept when"
        path={['validation', 'expr']}
        value={node.validation?.expr}
        optional
        mono
        placeholder="e.g. value > 0"
        hint="Validation expression over value (the answer) and the variables. Its message is under Copy."
        alsoIssues={['validation']}
      />
      <div className="insp-row">
        <NumberField label="Max retries" path={['maxRetries']} value={node.maxRetries} placeholder="2" min={0} max={10} step={1} />
        <CheckboxField
          label="Skip if already filled"
          path={['skipIfFilled']}
          checked={node.skipIfFilled ?? true}
          onToggle={(c) => ed.set(['skipIfFilled'], c ? undefined : false, false)}
        />
      </div>
    </>
  );
}

function ListenFields({ node }: { node: NodeOf<'listen'> }) {
  const ed = useEditor();
  const intents = useIntentIds();
  const routes = node.routes ?? [];
  const listId = controlId('routes');
  const setRoutes = (next: NodeOf<'listen'>['routes']) => ed.set(['routes'], next, false);
  const used = routes.map((r) => r.intent);
  const free = intents.filter((i) => !used.includes(i));
  return (
    <div className="insp-list" role="group" aria-labelledby={`${listId}-label`}>
      <div className="insp-list-head">
        <span className="insp-label" id={`${listId}-label`}>
          Routes
        </span>
      </div>
      {routes.length === 0 && <p className="insp-empty">No routes: every message takes “no match”.</p>}
      {routes.map((r, i) => (
        <div className="insp-item insp-pair" key={i}>
          <SelectField
            label={`Intent ${i + 1}`}
            path={['routes', i, 'intent']}
            value={r.intent}
            options={intents.map((id) => ({ value: id, label: id, disabled: id !== r.intent && used.includes(id) }))}
            onChoose={(v) => v && ed.set(['routes', i, 'intent'], v, false)}
          />
          <RowActions
            listId={listId}
            index={i}
            count={routes.length}
            itemLabel={`route ${r.intent}`}
            onMove={(from, to) => setRoutes(moveItem(routes, from, to))}
            onRemove={(at) => setRoutes(removeItem(routes, at))}
          />
          <p className="insp-hint">
            leads to <code>{r.next ?? '— not connected —'}</code>
          </p>
        </div>
      ))}
      <button type="button" id={`${listId}-add`} className="insp-add" disabled={free.length === 0} onClick={() => free[0] && setRoutes([...routes, { intent: free[0] }])}>
        + Add route
      </button>
      <p className="insp-hint">Targets are set under Exits or on the canvas. Intents with a global handler need no route.</p>
    </div>
  );
}

function ConditionFields({ node }: { node: NodeOf<'condition'> }) {
  const ed = useEditor();
  const listId = controlId('branches');
  const issues = issuesAt(ed.issues, 'branches');
  const set = (next: NodeOf<'condition'>['branches']) => ed.set(['branches'], next, false);
  return (
    <div className="insp-list" role="group" aria-labelledby={`${listId}-label`} {...a11yProps(listId, issues)}>
      <div className="insp-list-head">
        <span className="insp-label" id={`${listId}-label`}>
          Branches <span className="insp-muted">(first that is true wins; else takes “else”)</span>
        </span>
      </div>
      {node.branches.map((b, i) => (
        <fieldset className="insp-item" key={i}>
          <legend>
            Branch {i + 1}
            <RowActions
              listId={listId}
              index={i}
              count={node.branches.length}
              itemLabel={`branch ${b.id}`}
              onMove={(from, to) => set(moveItem(node.branches, from, to))}
              onRemove={(at) => set(removeItem(node.branches, at))}
            />
          </legend>
          <TextField label="Id" ariaLabel={`Branch ${i + 1} id`} path={['branches', i, 'id']} value={b.id} mono />
          <TextField label="When" ariaLabel={`Branch ${i + 1} when`} path={['branches', i, 'when']} value={b.when} mono placeholder='slots.amount > 500' />
        </fieldset>
      ))}
      <Messages cid={listId} issues={issues} />
      <button
        type="button"
        id={`${listId}-add`}
        className="insp-add"
        onClick={() => {
          set([...node.branches, { id: uniqueId('branch', node.branches.map((b) => b.id)), when: '' }]);
          focusSoon(controlId(['branches', node.branches.length, 'when']));
        }}
      >
        + Add branch
      </button>
    </div>
  );
}

/** A list of `{ var, <second> }` rows: set assignments (value) and API assignments (path). */
function AssignList({
  path,
  items,
  second,
  title,
  secondLabel,
  secondPlaceholder,
  required,
}: {
  path: 'assign';
  items: readonly { var: string; [k: string]: unknown }[];
  second: 'value' | 'path';
  title: string;
  secondLabel: string;
  secondPlaceholder: string;
  required: boolean;
}) {
  const ed = useEditor();
  const listId = controlId(path);
  const issues = issuesAt(ed.issues, path);
  const set = (next: readonly unknown[]) => ed.set([path], next, false);
  return (
    <div className="insp-list" role="group" aria-labelledby={`${listId}-label`} {...a11yProps(listId, issues)}>
      <div className="insp-list-head">
        <span className="insp-label" id={`${listId}-label`}>
          {title}
        </span>
      </div>
      {items.length === 0 && <p className="insp-empty">{required ? 'Needs at least one.' : 'None.'}</p>}
      {items.map((a, i) => (
        <div className="insp-item insp-pair" key={i}>
          <TextField label="Variable" ariaLabel={`${title} ${i + 1} variable`} path={[path, i, 'var']} value={a.var} mono placeholder="slots.name" />
          <RowActions
            listId={listId}
            index={i}
            count={items.length}
            itemLabel={`${title.toLowerCase()} ${i + 1}`}
            onMove={(from, to) => set(moveItem(items, from, to))}
            onRemove={(at) => set(removeItem(items, at))}
          />
          <TextField
            label={secondLabel}
            ariaLabel={`${title} ${i + 1} ${secondLabel.toLowerCase()}`}
            path={[path, i, second]}
            value={a[second] as string | undefined}
            mono
            placeholder={secondPlaceholder}
          />
        </div>
      ))}
      <Messages cid={listId} issues={issues} />
      <button
        type="button"
        id={`${listId}-add`}
        className="insp-add"
        onClick={() => {
          set([...items, { var: '', [second]: '' }]);
          focusSoon(controlId([path, items.length, 'var']));
        }}
      >
        + Add {title.toLowerCase()}
      </button>
    </div>
  );
}

function SetFields({ node }: { node: NodeOf<'set'> }) {
  return <AssignList path="assign" items={node.assign} second="value" title="Assignment" secondLabel="Value" secondPlaceholder='"other" or slots.amount * 2' required />;
}

function LlmFields({ node }: { node: NodeOf<'llm'> }) {
  const ed = useEditor();
  const llm = useStudio((s) => s.project?.manifest.llm);
  const extract = node.extract ?? [];
  const listId = controlId('extract');
  const setExtract = (next: NonNullable<NodeOf<'llm'>['extract']>) => ed.set(['extract'], next, false);
  const extracting = node.mode === 'extract' || extract.length > 0;
  return (
    <>
      <SelectField label="Mode" path={['mode']} value={node.mode} options={opts(['reply', 'extract'])} emptyLabel="default (reply)" />
      <TextField label="System prompt" path={['system']} value={node.system} optional mono rows={3} />
      <TextField label="Prompt" path={['prompt']} value={node.prompt} mono rows={5} hint="A template: {{variable}} or {{variable | filter}}." />
      <div className="insp-row">
        <TextField label="Model" path={['model']} value={node.model} optional placeholder={llm?.model ?? 'project model'} mono />
      </div>
      <div className="insp-row">
        <NumberField label="Temperature" path={['temperature']} value={node.temperature} min={0} max={2} step={0.1} placeholder={llm?.temperature !== undefined ? String(llm.temperature) : 'project'} />
        <NumberField label="Max tokens" path={['maxTokens']} value={node.maxTokens} min={1} max={200000} step={1} placeholder={llm?.maxTokens !== undefined ? String(llm.maxTokens) : 'project'} />
      </div>
      <TextField label="Save answer as" path={['saveAs']} value={node.saveAs} optional mono placeholder="llm.answer" hint={node.mode === 'extract' ? 'Used in reply mode.' : undefined} />
      {extracting ? (
        <div className="insp-list" role="group" aria-labelledby={`${listId}-label`}>
          <div className="insp-list-head">
            <span className="insp-label" id={`${listId}-label`}>
              Extract
            </span>
          </div>
          {extract.length === 0 && <p className="insp-empty">Nothing to extract yet.</p>}
          {extract.map((x, i) => (
            <fieldset className="insp-item" key={i}>
              <legend>
                Value {i + 1}
                <RowActions
                  listId={listId}
                  index={i}
                  count={extract.length}
                  itemLabel={`extracted value ${i + 1}`}
                  onMove={(from, to) => setExtract(moveItem(extract, from, to))}
                  onRemove={(at) => setExtract(removeItem(extract, at))}
                />
              </legend>
              <div className="insp-row">
                <TextField label="Variable" ariaLabel={`Extract ${i + 1} variable`} path={['extract', i, 'var']} value={x.var} mono />
                <SelectField label="Type" ariaLabel={`Extract ${i + 1} type`} path={['extract', i, 'type']} value={x.type} options={opts(['string', 'number', 'boolean'])} emptyLabel="default (string)" />
              </div>
              <TextField
                label="Description"
                ariaLabel={`Extract ${i + 1} description`}
                path={['extract', i, 'description']}
                value={x.description}
                rows={2}
                placeholder="What the model should extract"
              />
            </fieldset>
          ))}
          <button
            type="button"
            id={`${listId}-add`}
            className="insp-add"
            onClick={() => {
              setExtract([...extract, { var: '', description: '' }]);
              focusSoon(controlId(['extract', extract.length, 'var']));
            }}
          >
            + Add value to extract
          </button>
        </div>
      ) : null}
    </>
  );
}

function KnowledgeFields({ node }: { node: NodeOf<'knowledge'> }) {
  const ed = useEditor();
  const sources = node.sources ?? [];
  return (
    <>
      <TextField label="Query" path={['query']} value={node.query} optional mono placeholder="{{input}}" hint="What to search for; the user's last message when empty." />
      <ChipList
        label="Sources"
        path={['sources']}
        values={sources}
        itemNoun="source"
        onRemove={(i) => ed.set(['sources'], removeItem(sources, i), false)}
        hint="Files in knowledge/; all of them when empty."
      >
        <AddText
          id={`${controlId('sources')}-add`}
          label="Knowledge file to add"
          placeholder="hours.md"
          validate={(v) => (v.length > 300 ? 'at most 300 characters' : sources.includes(v) ? 'already listed' : undefined)}
          onAdd={(v) => ed.set(['sources'], [...sources, v], false)}
        />
      </ChipList>
      <div className="insp-row">
        <NumberField label="Min score" path={['minScore']} value={node.minScore} min={0} max={1} step={0.05} placeholder="0.35" />
        <TextField label="Save answer as" path={['saveAs']} value={node.saveAs} optional mono />
      </div>
    </>
  );
}

function HeadersEditor({ headers }: { headers: Record<string, string> | undefined }) {
  const ed = useEditor();
  const entries = Object.entries(headers ?? {});
  const listId = controlId('headers');
  const issues = issuesAt(ed.issues, 'headers');
  const setEntries = (next: [string, string][], coalesce?: string) => ed.set(['headers'], Object.fromEntries(next), coalesce ?? false);
  return (
    <div className="insp-list" role="group" aria-labelledby={`${listId}-label`} {...a11yProps(listId, issues)}>
      <div className="insp-list-head">
        <span className="insp-label" id={`${listId}-label`}>
          Headers
        </span>
        <span className="insp-muted">never secrets: project files are shared</span>
      </div>
      {entries.map(([k, v], i) => (
        <div className="insp-item insp-pair" key={i}>
          <HeaderName
            index={i}
            name={k}
            others={entries.filter((_, j) => j !== i).map(([x]) => x)}
            onRename={(name) => setEntries(entries.map(([x, y], j) => (j === i ? [name, y] : [x, y])), `field:${ed.nodeId}.headers#${i}.name`)}
          />
          <RowActions
            listId={listId}
            index={i}
            count={entries.length}
            itemLabel={`header ${k}`}
            onMove={(from, to) => setEntries(moveItem(entries, from, to))}
            onRemove={(at) => setEntries(removeItem(entries, at))}
          />
          <TextField label="Value" ariaLabel={`Header ${k} value`} path={['headers', k]} value={v} mono />
        </div>
      ))}
      <div className="insp-add-row">
        <AddText
          id={`${listId}-add`}
          label="Header name to add"
          placeholder="X-Request-Id"
          validate={(v) =>
            !/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(v) ? 'not a valid header name' : entries.some(([x]) => x.toLowerCase() === v.toLowerCase()) ? 'already set' : undefined
          }
          onAdd={(name) => {
            setEntries([...entries, [name, '']]);
            focusSoon(controlId(['headers', name]));
          }}
        />
      </div>
      <Messages cid={listId} issues={issues} />
    </div>
  );
}

/** A header name: renamed as you type when the new name is valid and free; otherwise the draft waits with a message. */
function HeaderName({ index, name, others, onRename }: { index: number; name: string; others: string[]; onRename: (name: string) => void }) {
  // null: show the stored name. A draft is kept only while it cannot be written (empty, or taken).
  const [draft, setDraft] = useState<string | null>(null);
  const text = draft ?? name;
  const cid = `${controlId('headers')}-${index}-name`;
  const problem = (v: string) => (v === '' ? 'cannot be empty' : others.some((o) => o.toLowerCase() === v.toLowerCase()) ? 'already set' : undefined);
  const error = draft === null ? undefined : problem(draft);
  const issues = error ? [{ severity: 'error' as const, path: '', message: error }] : [];
  return (
    <div className="insp-field">
      <label htmlFor={cid}>Name</label>
      <input
        id={cid}
        type="text"
        className="mono"
        spellCheck={false}
        autoComplete="off"
        aria-label={`Header ${index + 1} name`}
        value={text}
        onChange={(e) => {
          const v = e.target.value;
          if (problem(v)) setDraft(v);
          else {
            setDraft(null);
            onRename(v);
          }
        }}
        onBlur={() => setDraft(null)}
        {...a11yProps(cid, issues)}
      />
      <Messages cid={cid} issues={issues} />
    </div>
  );
}

function ApiFields({ node }: { node: NodeOf<'api'> }) {
  return (
    <>
      <div className="insp-row">
        <TextField label="Operation" path={['operation']} value={node.operation} mono hint="Stories give fixture responses by this name." />
        <SelectField label="Method" path={['method']} value={node.method} options={opts(HttpMethod.options)} emptyLabel="default (GET)" className="insp-narrow" />
      </div>
      <TextField label="URL" path={['url']} value={node.url} mono placeholder="https://api.example.com/v1/{{customer.id}}" />
      <HeadersEditor headers={node.headers} />
      {node.body === undefined || typeof node.body === 'string' ? (
        <TextField label="Body" path={['body']} value={node.body} optional mono rows={4} placeholder='{"id": "{{customer.id}}"}' />
      ) : (
        <p className="insp-hint">The body is YAML data (sent as JSON): edit it in the source view.</p>
      )}
      <NumberField label="Timeout (ms)" path={['timeoutMs']} value={node.timeoutMs} min={1} max={120000} step={500} placeholder="5000" />
      <AssignList path="assign" items={node.assign ?? []} second="path" title="Response value" secondLabel="Path" secondPlaceholder="data.balance" required={false} />
    </>
  );
}

const CHECK_LABEL: Record<string, string> = { profanity: 'Profanity', pii: 'Personal data (PII)', jailbreak: 'Jailbreak attempts', sensitive_topic: 'Sensitive topics' };

function GuardrailFields({ node }: { node: NodeOf<'guardrail'> }) {
  const ed = useEditor();
  const cid = controlId('checks');
  const issues = issuesAt(ed.issues, 'checks', ...node.checks.map((_, i) => pathKey(['checks', i])));
  const topics = node.topics ?? [];
  return (
    <>
      <fieldset className="insp-field insp-checks" {...a11yProps(cid, issues)} id={cid}>
        <legend className="insp-label">Checks</legend>
        {GuardrailCheck.options.map((c) => (
          <label key={c}>
            <input
              type="checkbox"
              checked={node.checks.includes(c)}
              onChange={(e) => ed.set(['checks'], e.target.checked ? [...node.checks, c] : node.checks.filter((x) => x !== c), false)}
            />
            {CHECK_LABEL[c] ?? c}
          </label>
        ))}
        <Messages cid={cid} issues={issues} />
      </fieldset>
      <ChipList
        label="Topics"
        path={['topics']}
        values={topics}
        itemNoun="topic"
        onRemove={(i) => ed.set(['topics'], removeItem(topics, i), false)}
        hint={node.checks.includes('sensitive_topic') ? 'For the sensitive-topics check.' : 'Used by the sensitive-topics check (not enabled).'}
      >
        <AddText
          id={`${controlId('topics')}-add`}
          label="Topic to add"
          placeholder="self_harm"
          validate={(v) => (!Id.safeParse(v).success ? 'must be lower_snake_case' : topics.includes(v) ? 'already listed' : undefined)}
          onAdd={(v) => ed.set(['topics'], [...topics, v], false)}
        />
      </ChipList>
    </>
  );
}

function HandoffFields({ node }: { node: NodeOf<'handoff'> }) {
  return (
    <>
      <div className="insp-row">
        <TextField label="Queue" path={['queue']} value={node.queue} optional placeholder="general" mono />
        <TextField label="Reason" path={['reason']} value={node.reason} optional />
      </div>
      <TextField label="Summary for the agent" path={['summary']} value={node.summary} optional rows={4} hint="A template: {{customer.name}}…" />
    </>
  );
}

function FlowTargetFields({ node }: { node: NodeOf<'jump'> | NodeOf<'call'> }) {
  const ed = useEditor();
  const flows = useStudio(useShallow((s) => Object.entries(s.flows).flatMap(([id, d]) => [id, d.flow.name])));
  const nodeOptions: Option[] = useNodeChoices(node.flow).map((c) => ({ value: c.id, label: c.label }));
  const startId = useStudio((s) => s.flows[node.flow]?.flow.nodes.find((n) => n.kind === 'start')?.id);
  const flowOptions: Option[] = [];
  for (let i = 0; i < flows.length; i += 2) flowOptions.push({ value: flows[i] as string, label: `${flows[i + 1]} (${flows[i]})` });
  const goTo = node.node ?? startId;
  const exists = flows.includes(node.flow);
  return (
    <>
      <SelectField
        label={node.kind === 'jump' ? 'Continue in flow' : 'Call flow'}
        path={['flow']}
        value={node.flow}
        options={flowOptions}
        onChoose={(v) =>
          ed.edit((n) => {
            if (n.kind !== 'jump' && n.kind !== 'call') return n;
            const { node: _node, ...rest } = n;
            return { ...rest, flow: v } as FlowNode;
          })
        }
      />
      <SelectField label="Entry node" path={['node']} value={node.node} options={nodeOptions} emptyLabel={`start node (default${startId ? `: ${startId}` : ''})`} />
      <button
        type="button"
        className="insp-add"
        disabled={!exists || !goTo}
        onClick={() => goTo && enterFlow(node.flow, goTo)}
      >
        Go to {node.flow}
        {goTo ? ` › ${goTo}` : ''}
      </button>
      {node.kind === 'call' && <p className="insp-hint">When the called flow ends, the conversation continues at “next”.</p>}
    </>
  );
}

function EndFields({ node }: { node: NodeOf<'end'> }) {
  return <SelectField label="Outcome" path={['outcome']} value={node.outcome} options={opts(['resolved', 'unresolved', 'abandoned', 'escalated'])} emptyLabel="default (resolved)" />;
}
