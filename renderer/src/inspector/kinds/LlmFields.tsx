import type { NodeOf } from '../../../../shared/schema/nodes';
import { useStudio } from '../../store/studioStore';
import { controlId, useEditor } from '../context';
import { NumberField, SelectField, TextField, focusSoon } from '../controls';
import { moveItem, removeItem } from '../nodeEdit';
import { opts } from './choices';
import { VariantsEditor } from './VariantsEditor';
import { AddButton, ListItem } from '../listParts';

export function LlmFields({ node }: { node: NodeOf<'llm'> }) {
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
        <NumberField
          label="Temperature"
          path={['temperature']}
          value={node.temperature}
          min={0}
          max={2}
          step={0.1}
          placeholder={llm?.temperature !== undefined ? String(llm.temperature) : 'project'}
        />
        <NumberField
          label="Max tokens"
          path={['maxTokens']}
          value={node.maxTokens}
          min={1}
          max={200000}
          step={1}
          placeholder={llm?.maxTokens !== undefined ? String(llm.maxTokens) : 'project'}
        />
      </div>
      <TextField
        label="Save answer as"
        path={['saveAs']}
        value={node.saveAs}
        optional
        mono
        placeholder="llm.answer"
        hint={node.mode === 'extract' ? 'Used in reply mode.' : undefined}
      />
      {extracting ? (
        <div className="insp-list" role="group" aria-labelledby={`${listId}-label`}>
          <div className="insp-list-head">
            <span className="insp-label" id={`${listId}-label`}>
              Extract
            </span>
          </div>
          {extract.length === 0 && <p className="insp-empty">Nothing to extract yet.</p>}
          {extract.map((x, i) => (
            <ListItem
              key={i}
              title={`Value ${i + 1}`}
              listId={listId}
              index={i}
              count={extract.length}
              itemLabel={`extracted value ${i + 1}`}
              onMove={(from, to) => setExtract(moveItem(extract, from, to))}
              onRemove={(at) => setExtract(removeItem(extract, at))}
            >
              <div className="insp-row">
                <TextField label="Variable" ariaLabel={`Extract ${i + 1} variable`} path={['extract', i, 'var']} value={x.var} mono />
                <SelectField
                  label="Type"
                  ariaLabel={`Extract ${i + 1} type`}
                  path={['extract', i, 'type']}
                  value={x.type}
                  options={opts(['string', 'number', 'boolean'])}
                  emptyLabel="default (string)"
                />
              </div>
              <TextField
                label="Description"
                ariaLabel={`Extract ${i + 1} description`}
                path={['extract', i, 'description']}
                value={x.description}
                rows={2}
                placeholder="What the model should extract"
              />
            </ListItem>
          ))}
          <AddButton
            listId={listId}
            onClick={() => {
              setExtract([...extract, { var: '', description: '' }]);
              focusSoon(controlId(['extract', extract.length, 'var']));
            }}
          >
            + Add value to extract
          </AddButton>
        </div>
      ) : null}
      <VariantsEditor node={node} />
    </>
  );
}
