import { Id } from '../../../../shared/schema/common';
import { GuardrailCheck, type NodeOf } from '../../../../shared/schema/nodes';
import { controlId, issuesAt, useEditor } from '../context';
import { AddText, ChipList, Messages, a11yProps } from '../controls';
import { pathKey, removeItem } from '../nodeEdit';

const CHECK_LABEL: Record<string, string> = {
  profanity: 'Profanity',
  pii: 'Personal data (PII)',
  jailbreak: 'Jailbreak attempts',
  sensitive_topic: 'Sensitive topics',
};

export function GuardrailFields({ node }: { node: NodeOf<'guardrail'> }) {
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
