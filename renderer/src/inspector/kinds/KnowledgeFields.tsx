import type { NodeOf } from '../../../../shared/schema/nodes';
import { controlId, useEditor } from '../context';
import { AddText, ChipList, NumberField, SelectField, TextField } from '../controls';
import { removeItem } from '../nodeEdit';
import { opts } from './choices';

export function KnowledgeFields({ node }: { node: NodeOf<'knowledge'> }) {
  const ed = useEditor();
  const sources = node.sources ?? [];
  return (
    <>
      <TextField
        label="Query"
        path={['query']}
        value={node.query}
        optional
        mono
        placeholder="{{input}}"
        hint="What to search for; the user's last message when empty."
      />
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
        <NumberField label="Passages" path={['limit']} value={node.limit} min={1} max={8} step={1} placeholder="3" />
      </div>
      <SelectField
        label="Answer"
        path={['answer']}
        value={node.answer}
        options={opts(['llm', 'extractive'])}
        emptyLabel={node.saveAs ? 'default (save only)' : 'default (llm)'}
        hint="llm: the model answers from the passages only, citing them; extractive: the best passage's matching sentences. Either way the answer cites its source."
      />
      {node.answer !== 'extractive' && (node.answer === 'llm' || !node.saveAs) ? (
        <TextField
          label="Instructions"
          path={['system']}
          value={node.system}
          optional
          mono
          rows={3}
          placeholder="Answer in one or two short sentences."
          hint="Tone and length for the model's answer; the grounding rules (sources only, cite [n], NOT_IN_SOURCES when they do not answer) are added after."
        />
      ) : null}
      <TextField label="Save passage as" path={['saveAs']} value={node.saveAs} optional mono placeholder="kb" />
    </>
  );
}
