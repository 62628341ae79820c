import { CommentBadge } from '../review/CommentBadge';
import { InsightsBadge } from '../insights/Overlay';
import { createContext, memo, useContext, useState, type ReactNode } from 'react';
import { Handle, Position, type Node, type NodeProps } from '@xyflow/react';
import { copyIn, KIND_LABEL } from '../../../shared/project/describe';
import type { LocalizedText } from '../../../shared/schema/common';
import { exitsOf } from '../../../shared/schema/exits';
import type { FlowNode, NodeKind, NodeOf } from '../../../shared/schema/nodes';
import { bodyHeight, CARD, exitHandleTop } from './geometry';
import { editFlow, enterFlow, sealHistory, useStudio } from '../store/studioStore';

export type CardData = { node: FlowNode; flowId: string; locale: string; hasError: boolean };
export type CardNode = Node<CardData, 'card'>;

/** Below this zoom, cards become compact blocks with the title only (level of detail for large flows). */
export const COMPACT_ZOOM = 0.45;
/** Below this zoom no text is readable at all: cards are coloured blocks, which are far cheaper to paint. */
export const BLOCK_ZOOM = 0.3;
/** React Flow's store selector for the cards' level of detail: 0 full, 1 compact (title only), 2 blocks. */
export const detailLevel = (s: { transform: [number, number, number] }): 0 | 1 | 2 => (s.transform[2] < BLOCK_ZOOM ? 2 : s.transform[2] < COMPACT_ZOOM ? 1 : 0);
/**
 * The level of detail, read once by the canvas and handed to the cards: a card subscribing to React Flow's store
 * itself would run its selector on every step of a pan, and subscribe and unsubscribe as it enters and leaves
 * the view. Outside a canvas (no provider), full detail.
 */
export const DetailLevel = createContext<0 | 1 | 2>(0);

/**
 * What the cards' badges show, worked out once by the canvas for the whole flow: open comment threads per node,
 * and whether the Insights overlay is open. A card reading them from its own store subscriptions subscribed twice
 * as it mounted (a pan mounts every card entering the view) and ran both selectors on every change of those stores.
 */
export interface CardBadges {
  comments: ReadonlyMap<string, number>;
  insights: boolean;
  /** While the overlay shows, each card's heat class (insights/Overlay.tsx useCardHeat); a card without one has no visits. */
  heat?: ReadonlyMap<string, string> | undefined;
}
export const CardBadges = createContext<CardBadges>({ comments: new Map(), insights: false });

/** The copy field that inline editing (double-click) edits, per kind. */
function copyField(node: FlowNode): 'say' | 'prompt' | undefined {
  if (node.kind === 'message' || node.kind === 'handoff' || node.kind === 'end') return 'say';
  if (node.kind === 'ask') return 'prompt';
  return undefined;
}

function withFirstVariant(text: LocalizedText | undefined, locale: string, value: string): LocalizedText {
  const current = text?.[locale];
  return { ...(text ?? {}), [locale]: Array.isArray(current) ? [value, ...current.slice(1)] : value };
}

/** What the bot says, editable in place on double-click (Enter commits, Shift+Enter is a new line, Esc cancels). */
function Copy({ flowId, node, locale, text }: { flowId: string; node: FlowNode; locale: string; text: LocalizedText | undefined }) {
  const [editing, setEditing] = useState<string | null>(null);
  const field = copyField(node);
  const shown = copyIn(text, locale) ?? '';
  // no text in this locale: the card shows another locale's, marked, as the bot would say it
  const own = text?.[locale];
  const untranslated = Boolean(shown) && (own === undefined || (Array.isArray(own) ? own.every((t) => !t.trim()) : !own.trim()));
  const variants = Array.isArray(text?.[locale]) ? (text?.[locale] as string[]).length : 1;
  if (editing !== null && field) {
    const commit = (value: string) => {
      setEditing(null);
      sealHistory(flowId);
      if (value !== shown)
        editFlow(flowId, [{ type: 'node.update', id: node.id, node: { ...node, [field]: withFirstVariant(text, locale, value) } as FlowNode }]);
    };
    return (
      <textarea
        className="card-edit nodrag nopan nowheel"
        aria-label={`Edit copy of ${node.id} (${locale})`}
        autoFocus
        defaultValue={editing}
        rows={Math.min(8, Math.max(2, Math.ceil(editing.length / 32)))}
        onKeyDown={(e) => {
          e.stopPropagation();
          if (e.key === 'Escape') setEditing(null);
          if (e.key === 'Enter' && !e.shiftKey) {
            e.preventDefault();
            commit(e.currentTarget.value);
          }
        }}
        onBlur={(e) => commit(e.currentTarget.value)}
      />
    );
  }
  return (
    <div
      className={`card-copy${shown ? '' : ' missing'}${untranslated ? ' untranslated' : ''}`}
      title={field ? 'Double-click to edit' : undefined}
      onDoubleClick={(e) => {
        // review mode is read-only
        if (!field || useStudio.getState().reviewMode) return;
        e.stopPropagation();
        setEditing(shown);
      }}
    >
      {untranslated && <span className="card-untranslated">No {locale} copy yet:</span>}
      {shown || `No ${locale} copy yet`}
      {variants > 1 && (
        <span className="variants" title={`${variants} variants; the bot picks one`}>
          +{variants - 1}
        </span>
      )}
    </div>
  );
}

/** The ids of a node's A/B variants (message and llm nodes; see VariantsEditor), or undefined when it has none. */
function variantIds(node: FlowNode): string[] | undefined {
  return (node.kind === 'message' || node.kind === 'llm') && node.variants?.length ? node.variants.map((v) => v.id) : undefined;
}

/** Marks a node that runs an A/B experiment: how many variants, their ids on hover. */
const AbBadge = ({ ids }: { ids: readonly string[] }) => (
  <span className="ab-badge" title={`A/B experiment: ${ids.length} variants (${ids.join(', ')})`} aria-label={`A/B experiment, ${ids.length} variants`}>
    A/B {ids.length}
  </span>
);

const Detail = ({ children }: { children: ReactNode }) => <div className="card-detail">{children}</div>;
const Chips = ({ items }: { items: readonly string[] }) => (
  <div className="chips">
    {items.map((t) => (
      <span key={t} className="chip">
        {t}
      </span>
    ))}
  </div>
);

/** The whole lines a card's body holds under its padding (canvas/geometry.ts: a 72 px body, 15 px lines). */
const BODY_LINES = 4;
/**
 * A list read off the card (a form's fields, a condition's branches, a set's assignments): one line each, cut with
 * an ellipsis (the full line on hover), and "+N more" on the last line the body holds when they do not all fit;
 * wrapped, a long list ran past the body and its last line was cut through the middle of its letters.
 */
function Lines({ items }: { items: readonly { key: string; text: string; content: ReactNode }[] }) {
  const shown = items.length > BODY_LINES ? items.slice(0, BODY_LINES - 1) : items;
  return (
    <Detail>
      {shown.map((i) => (
        <div key={i.key} className="card-line" title={i.text}>
          {i.content}
        </div>
      ))}
      {items.length > shown.length && <div className="card-line muted">+{items.length - shown.length} more</div>}
    </Detail>
  );
}

type BodyProps<K extends NodeKind> = { node: NodeOf<K>; flowId: string; locale: string };

/** One component per node kind: what a writer or an engineer needs to read off the canvas. */
const BODIES: { [K in NodeKind]: (p: BodyProps<K>) => ReactNode } = {
  start: ({ node }) => <Detail>{node.triggers?.length ? <Chips items={node.triggers} /> : 'entry point'}</Detail>,
  message: ({ node, flowId, locale }) => <Copy flowId={flowId} node={node} locale={locale} text={node.say} />,
  ask: ({ node, flowId, locale }) => (
    <>
      <Copy flowId={flowId} node={node} locale={locale} text={node.prompt} />
      <Detail>
        → <code>{node.slot}</code> : {node.type === 'entity' ? `entity ${node.entity ?? '?'}` : node.type}
        {node.buttons?.length ? (
          <div className="chips" aria-label="Answer buttons">
            {node.buttons.map((b, i) => (
              <span key={i} className="chip">
                {copyIn(b.label, locale) || b.id}
              </span>
            ))}
          </div>
        ) : null}
      </Detail>
    </>
  ),
  form: ({ node }) => (
    <Lines
      items={node.fields.map((f) => {
        const type = f.type === 'entity' ? `entity ${f.entity ?? '?'}` : f.type;
        return {
          key: f.id,
          text: `${f.id} → ${f.slot} : ${type}`,
          content: (
            <>
              <b>{f.id}</b> → <code>{f.slot}</code> : {type}
            </>
          ),
        };
      })}
    />
  ),
  listen: ({ node }) => <Detail>waits for the user{node.routes?.length ? '' : ' (no intents routed yet)'}</Detail>,
  condition: ({ node }) => (
    <Lines
      items={node.branches.map((b) => ({
        key: b.id,
        text: `${b.id} if ${b.when}`,
        content: (
          <>
            <b>{b.id}</b> if <code>{b.when}</code>
          </>
        ),
      }))}
    />
  ),
  set: ({ node }) => (
    <Lines
      items={node.assign.map((a, i) => ({
        key: String(i),
        text: `${a.var} = ${a.value}`,
        content: (
          <code>
            {a.var} = {a.value}
          </code>
        ),
      }))}
    />
  ),
  llm: ({ node }) => (
    <Detail>
      <span className="chip">{node.mode ?? 'reply'}</span> {node.prompt}
    </Detail>
  ),
  knowledge: ({ node }) => (
    <Detail>
      searches {node.sources?.length ? node.sources.join(', ') : 'all knowledge'} for <code>{node.query ?? '{{input}}'}</code>
    </Detail>
  ),
  api: ({ node }) => (
    <Detail>
      <div className="card-url" title={node.url}>
        <b>{node.method ?? 'GET'}</b> {node.url}
      </div>
      <div className="muted">
        operation {node.operation} · timeout {node.timeoutMs ?? 5000} ms
      </div>
    </Detail>
  ),
  guardrail: ({ node }) => <Chips items={[...node.checks, ...(node.topics ?? [])]} />,
  handoff: ({ node, flowId, locale }) => (
    <>
      {node.say && <Copy flowId={flowId} node={node} locale={locale} text={node.say} />}
      <Detail>to the {node.queue ?? 'general'} queue</Detail>
    </>
  ),
  jump: ({ node }) => <GoTo flow={node.flow} node={node.node} verb="continues in" />,
  call: ({ node }) => <GoTo flow={node.flow} node={node.node} verb="runs" suffix=", then returns" />,
  end: ({ node, flowId, locale }) => (
    <>
      {node.say && <Copy flowId={flowId} node={node} locale={locale} text={node.say} />}
      <Detail>{node.outcome ?? 'resolved'}</Detail>
    </>
  ),
};

/** Go-to-definition for jump and call nodes. */
function GoTo({ flow, node, verb, suffix = '' }: { flow: string; node: string | undefined; verb: string; suffix?: string }) {
  return (
    <Detail>
      {verb}{' '}
      <button
        className="goto nodrag"
        onClick={(e) => {
          e.stopPropagation();
          enterFlow(flow, node);
        }}
        title="Go to definition"
      >
        {flow}
        {node ? `/${node}` : ''} ↗
      </button>
      {suffix}
    </Detail>
  );
}

/** Exit handles' styles by exit: one object each, shared by every card. */
const handleTops: { top: number }[] = [];
const handleTop = (i: number, body: number) => (body === CARD.body ? (handleTops[i] ??= { top: exitHandleTop(i) }) : { top: exitHandleTop(i, body) });

/**
 * Only what a card shows: React Flow also passes the node's position, which changes on every step of a drag, and
 * a card does not show where it is (React Flow places the node around it), so a drag does not render it again.
 */
const sameCard = (a: NodeProps<CardNode>, b: NodeProps<CardNode>) => a.data === b.data && a.selected === b.selected;

/** A node on the canvas: its kind, its title, and the copy itself, so a writer can read the conversation off the graph. */
export const NodeCard = memo(function NodeCard({ data, selected }: NodeProps<CardNode>) {
  const { node, locale, hasError, flowId } = data;
  const level = useContext(DetailLevel);
  const badges = useContext(CardBadges);
  const comments = badges.comments.get(node.id) ?? 0;
  const heat = badges.insights ? ` ${badges.heat?.get(node.id) ?? 'insights-none'}` : '';
  const compact = level > 0;
  const block = level === 2;
  const exits = exitsOf(node);
  const abIds = variantIds(node);
  const Body = BODIES[node.kind] as (p: BodyProps<NodeKind>) => ReactNode;
  // review mode's cards hold their whole copy (reviewLayout.ts)
  const body = bodyHeight(node);
  if (block) {
    // Far zoomed out, a card is one coloured box with no handles: edges are drawn by CompactEdges from the
    // card geometry, and React Flow takes handle positions from the node's `handles` (geometry.ts), so nothing
    // needs measuring. Fewer elements per card is what keeps a pan over hundreds of cards cheap.
    return <div className={`card kind-${node.kind} block${selected ? ' selected' : ''}${hasError ? ' has-error' : ''}`} data-node-id={node.id} />;
  }
  return (
    <div
      className={`card kind-${node.kind}${selected ? ' selected' : ''}${hasError ? ' has-error' : ''}${compact ? ' compact' : ''}${block ? ' block' : ''}${heat}`}
      data-node-id={node.id}
      aria-label={`${KIND_LABEL[node.kind]} node ${node.title ?? node.id}`}
    >
      {node.kind !== 'start' && <Handle type="target" position={Position.Left} className="handle-in" />}
      <div className="card-head">
        {!block && <span className="kind">{KIND_LABEL[node.kind]}</span>}
        {!block && <span className="title">{node.title ?? node.id}</span>}
        {abIds && <AbBadge ids={abIds} />}
        {comments > 0 && <CommentBadge count={comments} />}
        {badges.insights && <InsightsBadge flowId={flowId} nodeId={node.id} />}
      </div>
      <div className={body === CARD.body ? 'card-body' : 'card-body tall'} style={body === CARD.body ? undefined : { height: body }}>
        {!compact && <Body node={node as never} flowId={flowId} locale={locale} />}
      </div>
      {exits.length > 0 && (
        <div className="exits">
          {exits.map((exit, i) => (
            <div className="exit" key={exit.port}>
              {!compact && <span>{exit.label}</span>}
              <Handle
                type="source"
                position={Position.Right}
                id={exit.port}
                className={exit.target ? 'handle-out' : 'handle-out open'}
                style={handleTop(i, body)}
                aria-label={`exit ${exit.label}`}
              />
            </div>
          ))}
        </div>
      )}
    </div>
  );
}, sameCard);

export type FrameData = { label: string; groupId: string; flowId: string };
export type FrameNode = Node<FrameData, 'frame'>;

/** A labelled frame around a group of nodes. Double-click the label to rename it. */
export const GroupFrame = memo(function GroupFrame({ data, selected }: NodeProps<FrameNode>) {
  const [editing, setEditing] = useState(false);
  return (
    <div className={`frame${selected ? ' selected' : ''}`} data-group-id={data.groupId}>
      {editing ? (
        <input
          className="frame-label nodrag"
          aria-label="Group label"
          autoFocus
          defaultValue={data.label}
          onKeyDown={(e) => {
            e.stopPropagation();
            if (e.key === 'Enter') e.currentTarget.blur();
            if (e.key === 'Escape') setEditing(false);
          }}
          onBlur={(e) => {
            setEditing(false);
            const label = e.currentTarget.value.trim();
            if (label && label !== data.label) renameGroup(data.flowId, data.groupId, label);
          }}
        />
      ) : (
        <div className="frame-label" onDoubleClick={() => setEditing(true)}>
          {data.label}
        </div>
      )}
    </div>
  );
});

function renameGroup(flowId: string, groupId: string, label: string): void {
  editFlow(flowId, [{ type: 'group.rename', id: groupId, label }]);
}
