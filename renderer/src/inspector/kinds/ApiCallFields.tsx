// An api node's URL per environment (one field for each environment parley.yaml declares) and its retries
// (by method, off, on, or tuned: attempts, backoff, longest wait).
import type { NodeOf } from '../../../../shared/schema/nodes';
import { useStudio } from '../../store/studioStore';
import { useEditor } from '../context';
import { NumberField, SelectField, TextField } from '../controls';

export function ApiUrlsFields({ node }: { node: NodeOf<'api'> }) {
  const environments = useStudio((s) => s.project?.manifest.environments);
  const ids = Object.keys(environments ?? {});
  const unknown = Object.keys(node.urls ?? {}).filter((id) => !ids.includes(id));
  if (!ids.length && !unknown.length) return null;
  return (
    <div className="insp-list" role="group" aria-label="URL per environment">
      <div className="insp-list-head">
        <span className="insp-label">URL per environment</span>
        <span className="insp-muted">empty: the URL above</span>
      </div>
      {[...ids, ...unknown].map((id) => (
        <TextField
          key={id}
          label={ids.includes(id) ? id : `${id} (not in parley.yaml)`}
          path={['urls', id]}
          value={node.urls?.[id]}
          optional
          mono
          placeholder={node.url}
          hint={environments?.[id]?.description}
        />
      ))}
    </div>
  );
}

type RetryChoice = '' | 'off' | 'on' | 'tuned';

const choiceOf = (r: NodeOf<'api'>['retry']): RetryChoice => (r === undefined ? '' : r === false ? 'off' : r === true ? 'on' : 'tuned');

export function ApiRetryFields({ node }: { node: NodeOf<'api'> }) {
  const ed = useEditor();
  const choice = choiceOf(node.retry);
  const idempotent = ['GET', 'PUT', 'DELETE'].includes(node.method ?? 'GET');
  const choose = (v: string) => {
    const next = v === 'off' ? false : v === 'on' ? true : v === 'tuned' ? (typeof node.retry === 'object' ? node.retry : { attempts: 3 }) : undefined;
    ed.set(['retry'], next, false);
  };
  return (
    <>
      <SelectField
        label="Retries"
        path={['retry']}
        value={choice}
        onChoose={choose}
        options={[
          { value: 'off', label: 'never retry' },
          { value: 'on', label: 'retry once (2 attempts)' },
          { value: 'tuned', label: 'tuned…' },
        ]}
        emptyLabel={`default (${idempotent ? 'retry once' : 'never: not idempotent'})`}
        hint="A timeout, network error, 5xx or 429 is tried again after a backoff with jitter; a Retry-After is honoured up to the longest wait. Retry a POST only if the backend takes an idempotency key."
      />
      {typeof node.retry === 'object' ? (
        <div className="insp-row">
          <NumberField label="Attempts" path={['retry', 'attempts']} value={node.retry.attempts} min={1} max={5} step={1} placeholder="2" />
          <NumberField label="Backoff (ms)" path={['retry', 'backoffMs']} value={node.retry.backoffMs} min={0} max={10000} step={50} placeholder="250" />
          <NumberField
            label="Longest wait (ms)"
            path={['retry', 'maxDelayMs']}
            value={node.retry.maxDelayMs}
            min={0}
            max={30000}
            step={250}
            placeholder="2000"
          />
        </div>
      ) : null}
    </>
  );
}
