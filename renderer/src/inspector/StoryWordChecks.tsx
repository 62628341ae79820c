// Under a line of copy: the stories that check it by its words (shared/stories/wordChecks.ts), so that a writer
// who rewords the line sees which stories the new words break, and can make each check name the line by its stable
// copy id instead. The words are matched against the line as it was when the node was opened and as it is now.
import { useMemo, useState } from 'react';
import type { LocalizedText } from '../../../shared/schema/common';
import type { WordCheck } from '../../../shared/stories/wordChecks';
import { useChecks } from '../store/checks';
import { errorText, setStoryFile, useStudio } from '../store/studioStore';
import { useLineId } from './lineId';
import type { Path } from './nodeEdit';

const textsOf = (value: LocalizedText | undefined): string[] => Object.values(value ?? {}).flatMap((t) => (Array.isArray(t) ? t : [t]));

export function StoryWordChecks({ path, value }: { path: Path; value: LocalizedText | undefined }) {
  const files = useStudio((s) => s.stories.files);
  const line = useLineId(path);
  // the words as the node was opened (the inspector mounts afresh for each node)
  const [opened] = useState(() => textsOf(value));
  const [status, setStatus] = useState('');
  const now = textsOf(value);
  const checks = useChecks();
  const found = useMemo(() => {
    if (!checks) return [];
    const texts = [...opened, ...textsOf(value)];
    return Object.entries(files).flatMap(([file, d]) => checks.wordChecksOf(file, d.text).filter((c) => checks.checksWords(c, texts)));
  }, [checks, files, opened, value]);
  if (!checks || found.length === 0) return null;

  const byId = async (c: WordCheck) => {
    const { api, project, stories } = useStudio.getState();
    const doc = stories.files[c.file];
    const text = doc && line ? checks.checkByCopyId(doc.text, c.turn, c.index, line.id) : undefined;
    if (!api || !project || !doc || !text) return setStatus(`${c.file} changed: not rewritten`);
    try {
      const { revision } = await api.call('file.write', { project: project.dir, path: c.file, text, baseRevision: doc.revision });
      setStoryFile(c.file, { text, revision });
      setStatus(`${c.file}: turn ${c.turn + 1} now checks the line by its id, ${line!.id}.`);
    } catch (e) {
      setStatus(`${c.file}: ${errorText(e)}`);
    }
  };
  return (
    <div className="insp-word-checks">
      <p className="insp-muted">Stories check these words:</p>
      <ul>
        {found.map((c) => {
          const broken = !checks.checksWords(c, now);
          return (
            <li key={`${c.file}:${c.turn}:${c.index}`} className={broken ? 'broken' : undefined}>
              <code>{c.file.replace(/^stories\//, '')}</code> turn {c.turn + 1}: “{c.words}”
              {broken && <strong> no longer in the text: the story will fail</strong>}{' '}
              {line && (
                <button type="button" className="insp-link" onClick={() => void byId(c)}>
                  Check by copy id instead
                </button>
              )}
            </li>
          );
        })}
      </ul>
      <p className="insp-status" role="status">
        {status}
      </p>
    </div>
  );
}
