// The header's breadcrumbs. While the simulator follows the conversation, they show its call stack: the flow of
// each `call` frame (a click shows that call node) and, last, the flow it waits in. Otherwise they show the
// flows the designer went through with go-to-definition.
import { useMemo } from 'react';
import { callStack, useSim } from '../simulator/simStore';
import { backTo, revealNode, useStudio } from '../store/studioStore';

export function Breadcrumbs() {
  const flowId = useStudio((s) => s.flowId);
  const trail = useStudio((s) => s.trail);
  const flows = useStudio((s) => s.flows);
  const followed = useSim((s) => (s.open && s.follow ? s.turns[s.turns.length - 1] : undefined));
  const stack = useMemo(() => (followed ? callStack(followed) : []), [followed]);
  const name = (id: string) => flows[id]?.flow.name ?? id;
  // The stack applies while its innermost flow is the one shown (the designer may look elsewhere meanwhile).
  if (stack.length && stack[stack.length - 1]?.flow === flowId) {
    return (
      <nav className="breadcrumbs" aria-label="Breadcrumbs" data-source="conversation" title="The conversation's call stack">
        {stack.map((at, i) => (
          <span key={`${i}:${at.flow}`}>
            <span className="sep">/</span>
            {i < stack.length - 1 ? (
              <button className="crumb" onClick={() => flows[at.flow] && revealNode(at.flow, at.node)} title={`Called from ${at.node}`}>
                {name(at.flow)}
              </button>
            ) : (
              <span className="crumb current" aria-current="location">
                {name(at.flow)}
              </span>
            )}
          </span>
        ))}
      </nav>
    );
  }
  return (
    <nav className="breadcrumbs" aria-label="Breadcrumbs">
      {(trail.length ? trail : flowId ? [flowId] : []).map((id, i, all) => (
        <span key={id}>
          <span className="sep">/</span>
          {i < all.length - 1 ? (
            <button className="crumb" onClick={() => backTo(id)}>
              {name(id)}
            </button>
          ) : (
            <span className="crumb current" aria-current="location">
              {name(id)}
            </span>
          )}
        </span>
      ))}
    </nav>
  );
}
