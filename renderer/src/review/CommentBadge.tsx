// On a card: how many open comment threads are about the node (on it or on one of its lines of copy).
import { useStudio } from '../store/studioStore';
import { openThreadsByNode, useReview } from './reviewStore';

export function CommentBadge({ flowId, nodeId }: { flowId: string; nodeId: string }) {
  const count = useReview((s) => {
    const file = s.snapshot?.files[flowId];
    if (!file?.threads?.length) return 0;
    return openThreadsByNode(file, useStudio.getState().flows[flowId]?.flow).get(nodeId) ?? 0;
  });
  if (!count) return null;
  return (
    <span className="comment-badge" title={`${count} open comment ${count === 1 ? 'thread' : 'threads'}`} aria-label={`${count} open comments`}>
      💬 {count}
    </span>
  );
}
