import { HANDOFF_REASONS, HttpMethod, type NodeOf } from '../../../../shared/schema/nodes';
import { useEditor } from '../context';
import { CheckboxField, NumberField, SelectField, TextField } from '../controls';
import { opts } from './choices';

type SummaryMode = 'extract' | 'llm' | 'template';

const summaryMode = (s: NodeOf<'handoff'>['summary']): SummaryMode =>
  typeof s === 'string' ? 'template' : s?.by === 'llm' || (s && s.by === undefined) ? 'llm' : 'extract';

export function HandoffFields({ node }: { node: NodeOf<'handoff'> }) {
  const ed = useEditor();
  const mode = summaryMode(node.summary);
  const reasons = opts(node.reason && !(HANDOFF_REASONS as readonly string[]).includes(node.reason) ? [...HANDOFF_REASONS, node.reason] : HANDOFF_REASONS);
  const ticket = node.ticket;
  return (
    <>
      <div className="insp-row">
        <TextField label="Queue" path={['queue']} value={node.queue} optional placeholder="general" mono />
        <SelectField
          label="Reason"
          path={['reason']}
          value={node.reason}
          options={reasons}
          emptyLabel="inferred from the conversation"
          hint="Sent to the agent and the ticket; when not set, read from how the conversation got here."
        />
      </div>
      <SelectField
        label="Summary for the agent"
        path={['summary']}
        value={mode}
        options={[
          { value: 'extract', label: 'extracted from the conversation (no model)' },
          { value: 'llm', label: 'written by the model (extracted if it fails)' },
          { value: 'template', label: 'a template' },
        ]}
        onChoose={(v) =>
          ed.set(
            ['summary'],
            v === 'template' ? (typeof node.summary === 'string' ? node.summary : '{{input}}') : v === 'llm' ? { by: 'llm' } : undefined,
            false,
          )
        }
      />
      {mode === 'template' && (
        <TextField label="Summary template" path={['summary']} value={node.summary as string} rows={4} hint="A template: {{customer.name}}…" />
      )}
      {mode !== 'template' && (
        <NumberField
          label="Last messages included"
          path={['summary', 'turns']}
          value={typeof node.summary === 'object' ? node.summary.turns : undefined}
          min={0}
          max={40}
          placeholder="6"
        />
      )}
      {mode === 'llm' && typeof node.summary === 'object' && (
        <TextField label="Instructions for the model" path={['summary', 'instructions']} value={node.summary.instructions} optional rows={3} />
      )}
      <SelectField
        label="Business hours"
        path={['hours']}
        value={node.hours === false ? 'off' : typeof node.hours === 'string' ? node.hours : ''}
        options={[
          { value: 'off', label: 'ignore business hours' },
          ...(typeof node.hours === 'string' ? [{ value: node.hours, label: `the hours of queue ${node.hours}` }] : []),
        ]}
        emptyLabel="the queue's hours (parley.yaml businessHours)"
        onChoose={(v) => ed.set(['hours'], v === 'off' ? false : v === '' ? undefined : v, false)}
      />
      <CheckboxField
        label="Record the handoff with an API call (ticket or live chat)"
        path={['ticket']}
        checked={ticket !== undefined}
        onToggle={(on) =>
          ed.set(['ticket'], on ? { operation: 'create_ticket', method: 'POST', url: 'https://', body: { handoff: '{{handoff}}' } } : undefined, false)
        }
        hint="Its body sees the payload as {{handoff}} (summary, reason, slots, last messages); edit the body in the source view."
      />
      {ticket && (
        <>
          <div className="insp-row">
            <TextField label="Operation" path={['ticket', 'operation']} value={ticket.operation} mono />
            <SelectField
              label="Method"
              path={['ticket', 'method']}
              value={ticket.method}
              options={opts(HttpMethod.options)}
              emptyLabel="default (POST)"
              className="insp-narrow"
            />
          </div>
          <TextField label="URL" path={['ticket', 'url']} value={ticket.url} mono placeholder="https://tickets.example.com/v1/tickets" />
          <div className="insp-row">
            <SelectField
              label="When"
              path={['ticket', 'when']}
              value={ticket.when}
              options={[{ value: 'outOfHours', label: 'only out of hours' }]}
              emptyLabel="on every handoff"
            />
            <NumberField label="Timeout (ms)" path={['ticket', 'timeoutMs']} value={ticket.timeoutMs} min={1} max={120000} step={500} placeholder="5000" />
          </div>
        </>
      )}
    </>
  );
}
