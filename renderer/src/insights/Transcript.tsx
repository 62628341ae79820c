// A conversation from the analytics store as a transcript (its path marked on the canvas meanwhile), with what a
// reviewer does with it: rate it (saved with the project) and make a story of it, redacted again and shown for
// review before it is written.
import { useState } from 'react';
import type { ConversationView } from '../../../shared/api/insights';
import { discardDraft, draftStory, editDraft, openConversation, rateConversation, useInsights, writeDraft } from './insightsStore';
import { NodeRef } from './PathsTab';

function RateBox({ id }: { id: string }) {
  const ratings = useInsights((s) => s.ratings.get(id));
  const [tags, setTags] = useState('');
  const [note, setNote] = useState('');
  const rate = (r: 'good' | 'bad') =>
    void rateConversation(
      id,
      r,
      tags
        .split(',')
        .map((t) => t.trim())
        .filter(Boolean),
      note,
    );
  return (
    <div className="rate-box" role="group" aria-label="Rate this conversation">
      {ratings?.map((r) => (
        <div key={`${r.by.name}:${r.at}`} className={`rated ${r.rating}`}>
          {r.by.name}: {r.rating}
          {r.tags?.length ? ` · ${r.tags.join(', ')}` : ''}
          {r.note ? ` · ${r.note}` : ''}
        </div>
      ))}
      <input aria-label="Tags" placeholder="tags, comma separated" value={tags} onChange={(e) => setTags(e.target.value)} />
      <input aria-label="Note" placeholder="note" value={note} onChange={(e) => setNote(e.target.value)} />
      <div className="rate-buttons">
        <button onClick={() => rate('good')}>👍 Good</button>
        <button onClick={() => rate('bad')}>👎 Bad</button>
        <button onClick={() => void draftStory(id)} title="A regression story from this conversation, redacted, for you to review before it is saved">
          Make a story…
        </button>
      </div>
    </div>
  );
}

function DraftBox() {
  const draft = useInsights((s) => s.draft);
  if (!draft) return null;
  return (
    <div className="story-draft" role="group" aria-label="Story draft">
      <p>
        Review before saving as <code>{draft.file}</code>: stories go into git.{' '}
        {draft.redactions ? `${draft.redactions} personal details were redacted.` : 'Nothing needed redacting.'}
      </p>
      <textarea aria-label="Story YAML" rows={12} value={draft.text} onChange={(e) => editDraft(e.target.value)} spellCheck={false} />
      <div className="rate-buttons">
        <button onClick={() => void writeDraft()}>Save story</button>
        <button onClick={discardDraft}>Discard</button>
      </div>
    </div>
  );
}

export function Transcript({ c }: { c: ConversationView }) {
  const note = useInsights((s) => s.conversationNote);
  return (
    <div className="insights-transcript" aria-label={`Conversation ${c.conversation}`}>
      <div className="transcript-head">
        <b>{c.conversation}</b>
        {c.bundle && (
          <span className="muted">
            {' '}
            {c.bundle.name} {c.bundle.version}
          </span>
        )}
        <button className="link" onClick={() => void openConversation(undefined)} aria-label="Close the conversation">
          ✕
        </button>
      </div>
      <ol>
        {c.turns.map((t) => (
          <li key={t.turn} data-turn={t.turn}>
            {t.input.text !== undefined && (
              <div className="t-user">
                <span className="who">Customer</span> {t.input.text}
              </div>
            )}
            {t.input.type === 'button' && <div className="t-user muted">(pressed a button)</div>}
            {t.says.map((s, i) => (
              <div key={i} className="t-bot">
                <span className="who">Bot</span> {s.text}
              </div>
            ))}
            <div className="t-meta muted">
              {t.intent && (
                <span>
                  {t.intent}
                  {t.confidence !== undefined ? ` ${t.confidence.toFixed(2)}` : ''} ·{' '}
                </span>
              )}
              {t.outcomes.map((o) => (
                <span key={o} className={`outcome ${o}`}>
                  {o.replace('_', ' ')}
                </span>
              ))}
              {t.path.length > 0 && (
                <span className="t-path">
                  {' '}
                  via <NodeRef address={t.path[t.path.length - 1]!} />
                </span>
              )}
            </div>
          </li>
        ))}
      </ol>
      {c.abandoned && (
        <div className="t-abandoned">
          The customer left while the bot waited at {c.abandoned.waitingAt ? <NodeRef address={c.abandoned.waitingAt} /> : 'the last turn'}.
        </div>
      )}
      {c.feedback.map((f, i) => (
        <div key={i} className="t-feedback">
          The customer rated it {f.score}/5{f.comment ? `: ${f.comment}` : ''}
        </div>
      ))}
      <RateBox key={c.conversation} id={c.conversation} />
      <DraftBox />
      {note && (
        <p className="cluster-note" role="status">
          {note}
        </p>
      )}
    </div>
  );
}
