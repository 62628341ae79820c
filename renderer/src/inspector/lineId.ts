import { copyIdOf, copyKeyOf } from '../../../shared/project/copy';
import { useEditor } from './context';
import { useFromNodes } from './fromNodes';
import { pathKey, type Path } from './nodeEdit';

/** The stable copy id and the readable id of the edited node's line at `path`; undefined while it has none. */
export function useLineId(path: Path): { id: string; alias: string } | undefined {
  const ed = useEditor();
  return useFromNodes(
    ed.flowId,
    `${ed.nodeId}\n${pathKey(path)}`,
    (nodes) => {
      const node = nodes.find((n) => n.id === ed.nodeId);
      const id = node?.copyIds?.[copyKeyOf(node, path)];
      return node && id ? { id, alias: copyIdOf(ed.flowId, node, path) } : undefined;
    },
    (a, b) => a?.id === b?.id && a?.alias === b?.alias,
  );
}
