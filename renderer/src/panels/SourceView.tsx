import { useEffect, useState } from 'react';
import { flowFile } from '../../../shared/project/names';
import { FlowSource } from '../source/FlowSource';
import { monaco } from '../source/monaco';
import { RawSource } from '../source/RawSource';
import '../source/source.css';
import { useStudio } from '../store/studioStore';

/**
 * The Source tab. For the current flow it is the flow itself as YAML, in step with the canvas (`FlowSource`);
 * for any other file (one that failed to load, parley.yaml, nlu.yaml) it is the file as it is on disk, saved
 * through main's validation (`RawSource`). The current flow's file on disk can be shown too, e.g. to compare
 * after a conflict.
 */
export default function SourceView({ file }: { file: string }) {
  const theme = useStudio((s) => s.theme);
  const flowId = useStudio((s) => (s.flowId && flowFile(s.flowId) === file && s.flows[s.flowId] ? s.flowId : undefined));
  const conflict = useStudio((s) => (flowId ? Boolean(s.flows[flowId]?.conflict) : false));
  const [onDisk, setOnDisk] = useState(false);

  useEffect(() => monaco.editor.setTheme(theme === 'dark' ? 'vs-dark' : 'vs'), [theme]);

  if (flowId && !onDisk) {
    const toDisk = conflict ? (
      <button type="button" onClick={() => setOnDisk(true)}>
        Show the file on disk
      </button>
    ) : undefined;
    return <FlowSource key={flowId} flowId={flowId} actions={toDisk} />;
  }
  const back = flowId ? (
    <button type="button" onClick={() => setOnDisk(false)}>
      Back to the flow
    </button>
  ) : undefined;
  return <RawSource key={file} file={file} actions={back} />;
}
