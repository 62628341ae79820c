// On a card: how many open comment threads are about the node (on it or on one of its lines of copy). The canvas
// counts them once for the flow (CardBadges in NodeCard.tsx); a card with none shows nothing.
export function CommentBadge({ count }: { count: number }) {
  return (
    <span className="comment-badge" title={`${count} open comment ${count === 1 ? 'thread' : 'threads'}`} aria-label={`${count} open comments`}>
      💬 {count}
    </span>
  );
}
