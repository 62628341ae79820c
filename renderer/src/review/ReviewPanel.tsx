// Beside the canvas in review mode (and when the Comments button opens it): the flow's approval, and its comment
// threads — anchored to a node or a line of copy, with author and time, replies, resolve and reopen; a thread
// whose node or line is gone is kept and shown as detached. New comments go on the selected node or one of its
// lines of copy.
import { useMemo, useState } from 'react';
import { copyKeyOf, forEachCopy } from '../../../shared/project/copy';
import { fieldName } from '../../../shared/copy/deck';
import { reviewDigest } from '../../../shared/project/reviewDigest';
import { flowScript } from '../../../shared/project/script';
import type { Flow } from '../../../shared/schema/project';
import type { Anchor, Approval, Thread } from '../../../shared/schema/reviews';
import { errorText, flushSaves, revealNode, useStudio } from '../store/studioStore';
import { addThread, anchorExists, anchorNode, approveFlow, reply, setResolved, useReview } from './reviewStore';
import { DiffView } from './DiffView';
import { WalkPicker } from './Walkthrough';
import { base64ToBytes, saveBlob } from '../files';
import { flowSvg, svgToPng } from '../canvas/flowImage';
import { kindColors } from '../canvas/CompactEdges';
import './review.css';

const when = (iso: string) => new Date(iso).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });

/** The approval of a flow as it is now: current, or cleared by a change made after it. */
export function approvalState(approval: Approval | undefined, flow: Flow | undefined): { approval: Approval; current: boolean } | undefined {
  if (!approval || !flow) return undefined;
  return { approval, current: approval.digest === reviewDigest(flow) };
}

function ApprovalBox({ flowId, flow, approval }: { flowId: string; flow: Flow; approval: Approval | undefined }) {
  const [note, setNote] = useState('');
  const busy = useReview((s) => s.busy);
  const state = useMemo(() => approvalState(approval, flow), [approval, flow]);
  return (
    <section className="review-approval" aria-label="Approval">
      {state?.current ? (
        <p className="approved" role="status">
          ✓ Approved by {state.approval.by.name} on {when(state.approval.at)}
          {state.approval.note ? `: “${state.approval.note}”` : ''}
        </p>
      ) : state ? (
        <p className="cleared" role="status">
          Approval cleared: the flow changed after {state.approval.by.name} approved it on {when(state.approval.at)}.
        </p>
      ) : (
        <p className="none" role="status">
          Not approved yet.
        </p>
      )}
      {state?.current ? (
        <button disabled={busy} onClick={() => void approveFlow(flowId, false)}>
          Withdraw approval
        </button>
      ) : (
        <div className="review-approve">
          <input aria-label="Approval note" placeholder="Note (optional)" value={note} onChange={(e) => setNote(e.target.value)} />
          <button disabled={busy} onClick={() => void approveFlow(flowId, true, note.trim() || undefined).then((ok) => ok && setNote(''))}>
            Approve this flow
          </button>
        </div>
      )}
    </section>
  );
}

/** Where a thread is, in words. */
function anchorLabel(thread: Thread, flow: Flow | undefined): string {
  const a = thread.anchor;
  if ('node' in a) return flow?.nodes.find((n) => n.id === a.node)?.title ?? a.node;
  for (const n of flow?.nodes ?? []) {
    let label: string | undefined;
    forEachCopy(n, (path) => {
      if (n.copyIds?.[copyKeyOf(n, path)] === a.copy) label = `${n.title ?? n.id} · ${fieldName(copyKeyOf(n, path))}`;
    });
    if (label) return label;
  }
  return a.copy;
}

/** A mention's name as compared: case and a leading @ aside, and a display name's spaces as dots (`@ana.lopez` is Ana Lopez). */
const mentionKey = (name: string) => name.replace(/^@/, '').toLowerCase().replace(/\s+/g, '.');

/** A comment's text with its @mentions marked, those of this user more strongly. */
function CommentText({ text, me }: { text: string; me: string | undefined }) {
  const parts = text.split(/((?:^|(?<=\s))@[\p{L}\p{N}_.-]{1,60})/u);
  return (
    <>
      {parts.map((part, i) =>
        i % 2 === 1 ? (
          <span key={i} className={`mention${me && mentionKey(part.replace(/[.]+$/, '')) === mentionKey(me) ? ' mention-me' : ''}`}>
            {part}
          </span>
        ) : (
          part
        ),
      )}
    </>
  );
}

function ThreadView({ flowId, thread, flow }: { flowId: string; thread: Thread; flow: Flow | undefined }) {
  const me = useReview((s) => s.snapshot?.me.name);
  const [text, setText] = useState('');
  const busy = useReview((s) => s.busy);
  const detached = !anchorExists(thread, flow);
  const node = anchorNode(thread, flow);
  return (
    <li className={`review-thread${thread.resolved ? ' resolved' : ''}${detached ? ' detached' : ''}`} data-thread={thread.id}>
      <div className="review-thread-head">
        {node && !detached ? (
          <button className="link" onClick={() => revealNode(flowId, node)}>
            {anchorLabel(thread, flow)}
          </button>
        ) : (
          <span>{'node' in thread.anchor ? thread.anchor.node : thread.anchor.copy}</span>
        )}
        {detached && <span className="review-tag">detached: its {'node' in thread.anchor ? 'node' : 'line'} is gone</span>}
        {thread.resolved && <span className="review-tag">resolved by {thread.resolved.by.name}</span>}
      </div>
      <ol className="review-comments">
        {thread.comments.map((c, i) => (
          <li key={i}>
            <span className="review-by">{c.by.name}</span> <time dateTime={c.at}>{when(c.at)}</time>
            <p>
              <CommentText text={c.text} me={me} />
            </p>
          </li>
        ))}
      </ol>
      <div className="review-reply">
        <input
          aria-label={`Reply to ${anchorLabel(thread, flow)}`}
          placeholder="Reply (@name to mention)"
          value={text}
          onChange={(e) => setText(e.target.value)}
        />
        <button disabled={busy || !text.trim()} onClick={() => void reply(flowId, thread.id, text).then((ok) => ok && setText(''))}>
          Reply
        </button>
        <button disabled={busy} onClick={() => void setResolved(flowId, thread.id, !thread.resolved)}>
          {thread.resolved ? 'Reopen' : 'Resolve'}
        </button>
      </div>
    </li>
  );
}

/** A new thread on the selected node, or on one of its lines of copy. */
function Composer({ flowId, flow }: { flowId: string; flow: Flow }) {
  const selected = useStudio((s) => s.selectedNodeId);
  const node = flow.nodes.find((n) => n.id === selected);
  const [target, setTarget] = useState('node');
  const [text, setText] = useState('');
  const busy = useReview((s) => s.busy);
  if (!node) return <p className="review-hint">Select a node to comment on it or on one of its lines.</p>;
  const lines: { id: string; label: string }[] = [];
  forEachCopy(node, (path) => {
    const id = node.copyIds?.[copyKeyOf(node, path)];
    if (id) lines.push({ id, label: fieldName(copyKeyOf(node, path)) });
  });
  const anchor: Anchor = target === 'node' || !lines.some((l) => l.id === target) ? { node: node.id } : { copy: target };
  return (
    <div className="review-composer">
      <select aria-label="Comment on" value={target} onChange={(e) => setTarget(e.target.value)}>
        <option value="node">Node “{node.title ?? node.id}”</option>
        {lines.map((l) => (
          <option key={l.id} value={l.id}>
            Line: {l.label}
          </option>
        ))}
      </select>
      <textarea aria-label="New comment" placeholder="Comment (@name to mention)" value={text} onChange={(e) => setText(e.target.value)} rows={3} />
      <button disabled={busy || !text.trim()} onClick={() => void addThread(flowId, anchor, text).then((ok) => ok && setText(''))}>
        Comment
      </button>
    </div>
  );
}

/** The canvas's locale (the toolbar's menu), else the project's default. */
function canvasLocale(): { locale: string; fallback: string } {
  const { project, copyLocale } = useStudio.getState();
  const fallback = project?.manifest.defaultLocale ?? 'en';
  return { locale: copyLocale && project?.manifest.locales.includes(copyLocale) ? copyLocale : fallback, fallback };
}

/** The whole flow as an SVG or PNG file (flowImage.ts), in the page's colours. */
async function downloadImage(flowId: string, flow: Flow, format: 'svg' | 'png'): Promise<void> {
  const root = getComputedStyle(document.documentElement);
  const v = (name: string, fallback: string) => root.getPropertyValue(name).trim() || fallback;
  const svg = flowSvg(flow, canvasLocale().locale, {
    kinds: kindColors(),
    card: v('--card', '#fff'),
    text: v('--copy', '#14213d'),
    muted: v('--muted', '#5b6475'),
    border: v('--border', '#d9dde5'),
    edge: v('--muted', '#8892a6'),
    background: v('--bg', '#f6f7f9'),
  });
  saveBlob(format === 'svg' ? new Blob([svg], { type: 'image/svg+xml' }) : await svgToPng(svg), `${flowId}.${format}`);
}

const imageFailed = (e: unknown) => useReview.setState({ error: `The file was not made: ${errorText(e)}` });

/** The flow's conversation script (shared/project/script.ts) in the canvas's locale, as a Markdown download. */
function downloadScript(flowId: string, flow: Flow): void {
  const { locale, fallback } = canvasLocale();
  saveBlob(new Blob([flowScript(flowId, flow, locale, fallback)], { type: 'text/markdown;charset=utf-8' }), `${flowId}-script.md`);
}

/** The same script as a PDF, made by main (pdfkit) from the flow as saved: pending edits are saved first. */
async function downloadScriptPdf(flowId: string): Promise<void> {
  const { api, project } = useStudio.getState();
  if (!api || !project) return;
  await flushSaves();
  const { base64 } = await api.call('script.pdf', { project: project.dir, flowId, locale: canvasLocale().locale });
  saveBlob(new Blob([base64ToBytes(base64)], { type: 'application/pdf' }), `${flowId}-script.pdf`);
}

/** In review mode: the map of all flows, or back to the flow. */
function OverviewToggle() {
  const review = useStudio((s) => s.reviewMode);
  const overview = useReview((s) => Boolean(s.overview));
  if (!review) return null;
  return (
    <button className="review-overview" aria-pressed={overview} onClick={() => useReview.setState({ overview: !overview })}>
      {overview ? 'Back to the flow' : 'Overview of all flows'}
    </button>
  );
}

export default function ReviewPanel({ flowId }: { flowId: string }) {
  const flow = useStudio((s) => s.flows[flowId]?.flow);
  const snapshot = useReview((s) => s.snapshot);
  const error = useReview((s) => s.error);
  const showResolved = useReview((s) => s.showResolved);
  const file = snapshot?.files[flowId];
  const threads = (file?.threads ?? []).filter((t) => showResolved || !t.resolved);
  const resolvedCount = (file?.threads ?? []).filter((t) => t.resolved).length;
  const broken = snapshot?.problems.filter((p) => p.file === `reviews/${flowId}.yaml`) ?? [];
  if (!flow) return null;
  return (
    <aside className="review-panel" aria-label="Review">
      <h2>Review · {flow.name}</h2>
      <OverviewToggle />
      <div className="review-share">
        <button onClick={() => downloadScript(flowId, flow)} title="Every edge of the flow as readable dialogue, with the copy and the conditions">
          Export conversation script (Markdown)
        </button>
        <button onClick={() => void downloadScriptPdf(flowId).catch(imageFailed)} title="The conversation script as a PDF, to print or send">
          PDF
        </button>
        <button onClick={() => void downloadImage(flowId, flow, 'svg').catch(imageFailed)} title="The whole flow as a picture, every card at full detail">
          SVG
        </button>
        <button onClick={() => void downloadImage(flowId, flow, 'png').catch(imageFailed)}>PNG</button>
      </div>
      {broken.map((p, i) => (
        <p key={i} className="review-error" role="alert">
          {p.file}: {p.field ? `${p.field}: ` : ''}
          {p.message} (fix it in the source view; Parley does not write over it)
        </p>
      ))}
      {error && (
        <p className="review-error" role="alert">
          {error}
        </p>
      )}
      <ApprovalBox flowId={flowId} flow={flow} approval={file?.approval} />
      <WalkPicker />
      <DiffView flowId={flowId} />
      <h3>
        Comments <span className="review-count">{(file?.threads ?? []).length - resolvedCount} open</span>
      </h3>
      <Composer flowId={flowId} flow={flow} />
      <label className="review-show-resolved">
        <input type="checkbox" checked={showResolved} onChange={(e) => useReview.setState({ showResolved: e.target.checked })} /> Show resolved ({resolvedCount}
        )
      </label>
      <ol className="review-threads" aria-label="Comment threads">
        {threads.map((t) => (
          <ThreadView key={t.id} flowId={flowId} thread={t} flow={flow} />
        ))}
      </ol>
    </aside>
  );
}
