import type { NodeOf } from '../../../../shared/schema/nodes';
import { controlId, useEditor } from '../context';
import { AddText, ChipList, NumberField, TextField } from '../controls';
import { removeItem } from '../nodeEdit';

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
        <TextField label="Save answer as" path={['saveAs']} value={node.saveAs} optional mono />
      </div>
    </>
  );
}
