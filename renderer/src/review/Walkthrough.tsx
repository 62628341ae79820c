// The walkthrough's two parts: the picker in the review panel (the simulator's conversation or a story), and the
// caption over the canvas with the step's words and the buttons (← and → step too) for the shared screen.
import { useEffect, useState } from 'react';
import { Panel } from '@xyflow/react';
import { useSim } from '../simulator/simStore';
import { refreshStories, useStories } from '../stories/storiesStore';
import { startWalk, stopWalk, useReview, walkStory, walkTo } from './reviewStore';
import { walkFromSimulator } from './walkthrough';

const SIMULATOR = ':simulator';
const turns = (n: number) => `${n} turn${n === 1 ? '' : 's'}`;

/** In the review panel: choose a conversation and start stepping through it. */
export function WalkPicker() {
  const stories = useStories((s) => s.stories);
  const simTurns = useSim((s) => s.turns);
  const walking = useReview((s) => Boolean(s.walk));
  const busy = useReview((s) => s.busy);
  const [pick, setPick] = useState('');
  useEffect(() => {
    if (!useStories.getState().stories.length) void refreshStories();
  }, []);
  const chosen = pick || (simTurns.length ? SIMULATOR : (stories[0]?.file ?? ''));
  const start = () => {
    if (chosen === SIMULATOR) startWalk('The simulator’s conversation', walkFromSimulator(simTurns));
    else if (chosen) void walkStory(chosen);
  };
  return (
    <section className="review-walk" aria-label="Walk through a conversation">
      <h3>Walk through a conversation</h3>
      <div className="review-walk-pick">
        <select aria-label="Conversation to walk through" value={chosen} onChange={(e) => setPick(e.target.value)}>
          {simTurns.length > 0 && <option value={SIMULATOR}>The simulator’s conversation ({turns(simTurns.length)})</option>}
          {stories.map((s) => (
            <option key={s.file} value={s.file}>
              Story: {s.name} ({turns(s.turns)})
            </option>
          ))}
        </select>
        <button disabled={busy || !chosen} onClick={start}>
          {walking ? 'Start again' : 'Start'}
        </button>
      </div>
    </section>
  );
}

/** Over the canvas while a walkthrough runs: turn n of N, what the customer said, what the bot answered. */
export function WalkCaption() {
  const walk = useReview((s) => s.walk);
  useEffect(() => {
    if (!walk) return;
    const onKey = (e: KeyboardEvent) => {
      const t = e.target as HTMLElement | null;
      if (t && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName))) return;
      if (e.key === 'ArrowRight') walkTo(walk.index + 1);
      else if (e.key === 'ArrowLeft') walkTo(walk.index - 1);
      else if (e.key === 'Escape') stopWalk();
      else return;
      e.preventDefault();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [walk]);
  if (!walk) return null;
  const turn = walk.turns[walk.index]!;
  return (
    <Panel position="bottom-center" className="walk-caption" aria-label="Walkthrough">
      <div className="walk-head">
        <span className="walk-title">{walk.title}</span>
        <span className="walk-step" role="status">
          Turn {walk.index + 1} of {walk.turns.length}
        </span>
      </div>
      <p className="walk-user">
        <b>Customer:</b> {turn.user}
      </p>
      <div className="walk-bot">
        {turn.says.map((t, i) => (
          <p key={i}>
            <b>Bot:</b> {t}
          </p>
        ))}
        {!turn.says.length && <p className="muted">The bot says nothing this turn.</p>}
      </div>
      <div className="walk-buttons">
        <button onClick={() => walkTo(walk.index - 1)} disabled={walk.index === 0} aria-label="Previous turn" title="Previous turn (←)">
          ← Previous
        </button>
        <button onClick={() => walkTo(walk.index + 1)} disabled={walk.index >= walk.turns.length - 1} aria-label="Next turn" title="Next turn (→)">
          Next →
        </button>
        <button onClick={stopWalk} title="Stop the walkthrough (Esc)">
          Stop
        </button>
      </div>
    </Panel>
  );
}
