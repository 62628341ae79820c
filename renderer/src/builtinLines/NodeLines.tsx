// "Bot's own lines here", under a node's Copy in the inspector: the engine's lines this node can speak (lines.ts),
// each in the node's own words (`builtinCopy.<key>`, copy id `flow/node.builtinCopy.<key>`) or, for the lines
// that may be removed, nothing at all there (`false`). Empty, a line keeps the project's wording, shown beside it.
import { useId, useState } from 'react';
import type { BuiltinKey } from '../../../shared/schema/builtinCopy';
import type { FlowNode } from '../../../shared/schema/nodes';
import { controlId, useEditor } from '../inspector/context';
import { CopyField } from '../inspector/CopyField';
import { useStudio } from '../store/studioStore';
import { LINE_WHEN, lineWording, nodeLines, removable } from './lines';
import './builtinLines.css';

function NodeLine({ node, lineKey }: { node: FlowNode; lineKey: BuiltinKey }) {
  const ed = useEditor();
  const project = useStudio((s) => s.project?.manifest.builtinCopy);
  const own = node.builtinCopy?.[lineKey];
  const canRemove = removable(lineKey);
  const cid = controlId(['builtinCopy', lineKey, 'none']);
  const projectText = lineWording(project, lineKey, ed.defaultLocale, ed.defaultLocale);
  return (
    <div className="insp-builtin-line" data-line={lineKey}>
      <div className="bl-head">
        <code className="bl-id">builtin/{lineKey}</code>
      </div>
      <div className="bl-when">{LINE_WHEN[lineKey]}</div>
      <div className="insp-field insp-check">
        <label htmlFor={cid} title={canRemove ? undefined : 'Its quick replies need it: give it your own wording instead'}>
          <input
            id={cid}
            type="checkbox"
            checked={own === false}
            disabled={!canRemove}
            aria-label={`Say nothing here: ${lineKey}`}
            onChange={(e) => ed.set(['builtinCopy', lineKey], e.target.checked ? false : undefined, false)}
          />
          Say nothing here
        </label>
      </div>
      {own !== false && (
        <>
          {own === undefined && (
            <p className="insp-hint">
              Empty: says the project’s line{projectText.isDefault ? ' (default)' : ''}, “{projectText.text}”
            </p>
          )}
          <CopyField
            label={`${lineKey} here`}
            path={['builtinCopy', lineKey]}
            copyKey={`builtinCopy.${lineKey}`}
            value={own}
            required={false}
            allowVariants={false}
          />
        </>
      )}
    </div>
  );
}

export function NodeLinesHere({ node }: { node: FlowNode }) {
  const keys = nodeLines(node);
  const uid = useId();
  const changed = keys.filter((k) => node.builtinCopy?.[k] !== undefined).length;
  const [open, setOpen] = useState(changed > 0);
  if (keys.length === 0) return null;
  return (
    <div className="insp-builtin">
      <button type="button" className="insp-link" aria-expanded={open} aria-controls={`${uid}-body`} onClick={() => setOpen(!open)}>
        {open ? '▾' : '▸'} Bot's own lines here
        {changed > 0 && <span className="insp-muted"> ({changed} changed)</span>}
      </button>
      <div id={`${uid}-body`} hidden={!open}>
        {open && keys.map((k) => <NodeLine key={k} node={node} lineKey={k} />)}
      </div>
    </div>
  );
}
