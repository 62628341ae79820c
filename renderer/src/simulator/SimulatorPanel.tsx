// The simulator side panel: a chat with the bot being designed, beside the canvas. Replies stream in, quick
// replies are buttons, each user turn can be rewound to (then the conversation branches), and the trace of a
// turn shows why the bot did what it did; clicking an entry shows its node on the canvas.
import { useEffect, useMemo, useRef, useState, type FormEvent } from 'react';
import type { SimInput, TurnView } from '../../../shared/api/contract';
import type { Output } from '../../../shared/engine/types';
import { useStudio } from '../store/studioStore';
import { TraceView } from './TraceView';
import { personalDataNotice } from './personalData';
import { mockableFailures, mockableNotice } from './mockHint';
import { CitationList, CitedText } from '../knowledge/Citations';
import { openTrustDialog } from '../trust/trustStore';
import { answerWizard, closeSimulator, replayWith, restart, rewindTo, saveApiKey, saveAsStory, send, setFollow, setSim, useSim } from './simStore';

const inputText = (i: SimInput): string =>
  i.type === 'text' ? i.text : i.type === 'button' ? (i.label ?? i.payload) : i.type === 'event' ? `[event: ${i.name}]` : '';

function BotOutput({ o, live, onReply }: { o: Output; live: boolean; onReply: (payload: string, label: string) => void }) {
  switch (o.type) {
    case 'text':
      return (
        <div className={`bubble bot${o.llm ? ' llm' : ''}${o.partial ? ' partial' : ''}`} data-node={`${o.flow}/${o.node}`}>
          <div className="bubble-text">{o.citations?.length ? <CitedText text={o.text} citations={o.citations} /> : o.text}</div>
          {o.citations && o.citations.length > 0 && <CitationList citations={o.citations} />}
          {o.partial && <div className="bubble-note">The model's reply was cut off here.</div>}
          {o.quickReplies && (
            <div className="quick-replies">
              {o.quickReplies.map((q) => (
                <button
                  key={q.payload}
                  disabled={!live}
                  onClick={(e) => {
                    // the reply starts a new turn: the click must not also select the turn that offered it
                    e.stopPropagation();
                    onReply(q.payload, q.label);
                  }}
                >
                  {q.label}
                </button>
              ))}
            </div>
          )}
        </div>
      );
    case 'handoff':
      return (
        <div className="bubble system" role="note">
          Handed off to a person (queue <b>{o.queue}</b>){o.reason ? `: ${o.reason}` : ''}.{o.summary && <pre className="handoff-summary">{o.summary}</pre>}
        </div>
      );
    case 'end':
      return <div className="bubble system">Conversation ended ({o.outcome}).</div>;
    case 'error':
      return (
        <div className="bubble error" role="alert">
          {o.message}
        </div>
      );
  }
}

function Turn({ t, last, selected }: { t: TurnView; last: boolean; selected: boolean }) {
  const busy = useSim((s) => Boolean(s.pending));
  const reply = (payload: string, label: string) => void send({ type: 'button', payload, label });
  return (
    <div className={`turn${selected ? ' selected' : ''}`} data-turn={t.index} onClick={() => setSim({ selectedTurn: t.index })}>
      {t.input.type !== 'start' && (
        <div className="bubble user">
          <div className="bubble-text">{inputText(t.input)}</div>
          <button
            className="rewind"
            title="Rewind: go back to just before this message and branch from there"
            aria-label={`Rewind to before "${inputText(t.input)}"`}
            disabled={busy}
            onClick={(e) => {
              e.stopPropagation();
              void rewindTo(t.index);
            }}
          >
            ↺
          </button>
        </div>
      )}
      {t.stored !== undefined && (
        <div
          className="stored-as"
          title="What the transcript, the trace and the model keep of this message: the input stage redacted it. The flow heard it as typed."
        >
          Stored as: <q>{t.stored}</q>
        </div>
      )}
      {t.outputs.map((o, i) => (
        <BotOutput key={i} o={o} live={last && !busy} onReply={reply} />
      ))}
      <MocksNotice t={t} />
    </div>
  );
}

/** Under a turn whose API calls failed where parley.yaml has mocks for them (mockHint.ts), with mocks off. */
function MocksNotice({ t }: { t: TurnView }) {
  const mocks = useStudio((s) => s.project?.manifest.mocks);
  const on = useSim((s) => s.mocks);
  const busy = useSim((s) => Boolean(s.pending));
  const failures = useMemo(() => mockableFailures(t, mocks, on), [t, mocks, on]);
  if (!failures.length) return null;
  return (
    <div className="bubble system sim-mocks-hint" role="note">
      {mockableNotice(failures)}{' '}
      <button
        disabled={busy}
        title="Tick Mocks and send this conversation's messages again, up to here"
        onClick={(e) => {
          e.stopPropagation();
          void replayWith({ mocks: true }, t.index);
        }}
      >
        Replay with mocks
      </button>
    </div>
  );
}

function Pending() {
  const pending = useSim((s) => s.pending);
  if (!pending) return null;
  return (
    <div className="turn pending" aria-busy="true">
      {pending.input.type !== 'start' && (
        <div className="bubble user">
          <div className="bubble-text">{inputText(pending.input)}</div>
        </div>
      )}
      {pending.streaming.parts.map((p, i) => (
        <div key={i} className="bubble bot llm streaming" data-node={`${p.flow}/${p.node}`}>
          <div className="bubble-text">{p.text}</div>
        </div>
      ))}
      <div className="typing" aria-label="The bot is replying">
        <span />
        <span />
        <span />
      </div>
    </div>
  );
}

function Wizard() {
  const w = useSim((s) => s.wizardRequest);
  const [text, setText] = useState('');
  if (!w) return null;
  const lastUser = [...w.messages].reverse().find((m) => m.role === 'user');
  return (
    <form
      className="wizard"
      onSubmit={(e) => {
        e.preventDefault();
        if (text.trim()) void answerWizard(text.trim()).then(() => setText(''));
      }}
    >
      <div className="wizard-head">
        Wizard of Oz: the <code>{w.node}</code> node asks the model. Type what it would answer.
      </div>
      {w.system && (
        <details>
          <summary>System prompt</summary>
          <pre>{w.system}</pre>
        </details>
      )}
      {lastUser && <pre className="wizard-prompt">{lastUser.content}</pre>}
      <textarea aria-label="Model reply" value={text} onChange={(e) => setText(e.target.value)} rows={3} autoFocus />
      <button type="submit" disabled={!text.trim()}>
        Reply as the model
      </button>
    </form>
  );
}

function SaveAsStory() {
  const [name, setName] = useState<string | undefined>(undefined);
  const [saved, setSaved] = useState<string | undefined>(undefined);
  const [typed, setTyped] = useState(false);
  const turns = useSim((s) => s.turns);
  const notice = useMemo(() => personalDataNotice(turns), [turns]);
  if (turns.length < 2) return null;
  if (name === undefined)
    return (
      <div className="sim-save">
        <button
          onClick={() => {
            setSaved(undefined);
            setTyped(false);
            setName('');
          }}
          title="Turn this conversation into a regression story, with expectations from what happened"
        >
          Save as story…
        </button>
        {saved && (
          <span className="muted" role="status">
            Saved {saved}
          </span>
        )}
      </div>
    );
  return (
    <form
      className="sim-save"
      onSubmit={(e) => {
        e.preventDefault();
        const n = name.trim();
        if (!n) return;
        void saveAsStory(n, { typed: Boolean(notice) && typed }).then((file) => {
          if (file) {
            setSaved(file);
            setName(undefined);
          }
        });
      }}
    >
      <input
        aria-label="Story name"
        placeholder="Story name, e.g. Lost card with a digression"
        value={name}
        onChange={(e) => setName(e.target.value)}
        autoFocus
      />
      <button type="submit" disabled={!name.trim()}>
        Save
      </button>
      <button type="button" onClick={() => setName(undefined)}>
        Cancel
      </button>
      {notice && (
        <div className="sim-save-pii" role="note">
          {notice}{' '}
          <label title="The story file goes to git with the project: keep what was typed only if it is made up">
            <input type="checkbox" checked={typed} onChange={(e) => setTyped(e.target.checked)} /> Save as typed instead
          </label>
        </div>
      )}
    </form>
  );
}

/** Saves an API key in main (keychain or the private credentials file); the field is cleared, nothing comes back. */
function ApiKeyForm({ target }: { target: 'keychain' | 'config' }) {
  const [key, setKey] = useState('');
  return (
    <form
      className="sim-key"
      onSubmit={(e) => {
        e.preventDefault();
        const k = key.trim();
        if (!k) return;
        setKey('');
        void saveApiKey(k);
      }}
    >
      <input type="password" autoComplete="off" aria-label="API key" placeholder="Paste an API key" value={key} onChange={(e) => setKey(e.target.value)} />
      <button
        type="submit"
        disabled={key.trim().length < 8}
        title={target === 'keychain' ? 'Saved encrypted with the OS keychain' : 'Saved in your private credentials file (mode 0600), never in the project'}
      >
        Save key
      </button>
    </form>
  );
}

/** The project's A/B experiments: `flow/node` and its variant ids, for the simulator's picker. */
function useExperiments(): { key: string; ids: string[] }[] {
  const flows = useStudio((s) => s.flows);
  return useMemo(() => {
    const out: { key: string; ids: string[] }[] = [];
    for (const [flowId, f] of Object.entries(flows)) {
      for (const n of f.flow.nodes) {
        const variants = 'variants' in n ? (n.variants as { id: string }[] | undefined) : undefined;
        if (variants?.length) out.push({ key: `${flowId}/${n.id}`, ids: variants.map((v) => v.id) });
      }
    }
    return out.sort((a, b) => a.key.localeCompare(b.key));
  }, [flows]);
}

function VariantPicker() {
  const experiments = useExperiments();
  const picked = useSim((s) => s.variants);
  if (!experiments.length) return null;
  return (
    <fieldset className="sim-variants">
      <legend>A/B variants</legend>
      {experiments.map((x) => (
        <label key={x.key}>
          {x.key}{' '}
          <select
            value={picked[x.key] ?? ''}
            onChange={(e) => {
              const next = { ...picked };
              if (e.target.value) next[x.key] = e.target.value;
              else delete next[x.key];
              setSim({ variants: next });
            }}
          >
            <option value="">assigned by weight</option>
            {x.ids.map((id) => (
              <option key={id}>{id}</option>
            ))}
          </select>
        </label>
      ))}
    </fieldset>
  );
}

function Settings() {
  const locales = useStudio((s) => s.project?.manifest.locales ?? []);
  const locale = useSim((s) => s.locale);
  const environments = useStudio((s) => s.project?.manifest.environments);
  const environment = useSim((s) => s.environment);
  const profile = useSim((s) => s.profile);
  const example = useStudio((s) => JSON.stringify(s.project?.manifest.variables ?? {}, null, 2));
  return (
    <details className="sim-settings">
      <summary>Locale, environment, customer profile and A/B variants</summary>
      <label>
        Locale{' '}
        <select value={locale ?? ''} onChange={(e) => setSim({ locale: e.target.value || undefined })}>
          <option value="">project default</option>
          {locales.map((l) => (
            <option key={l}>{l}</option>
          ))}
        </select>
      </label>
      {environments && Object.keys(environments).length > 0 && (
        <label title="The backend environment API calls go to: its URLs and hosts (parley.yaml environments)">
          Environment{' '}
          <select value={environment ?? ''} onChange={(e) => setSim({ environment: e.target.value || undefined })}>
            <option value="">project default</option>
            {Object.keys(environments).map((id) => (
              <option key={id}>{id}</option>
            ))}
          </select>
        </label>
      )}
      <label>
        Preset variables (JSON, merged over parley.yaml's)
        <textarea
          aria-label="Customer profile"
          rows={5}
          placeholder={example}
          value={profile}
          onChange={(e) => setSim({ profile: e.target.value })}
          spellCheck={false}
        />
      </label>
      <VariantPicker />
      <button onClick={() => void restart()}>Start with these</button>
    </details>
  );
}

export function SimulatorPanel() {
  const turns = useSim((s) => s.turns);
  const pending = useSim((s) => s.pending);
  const error = useSim((s) => s.error);
  const status = useSim((s) => s.status);
  const wizard = useSim((s) => s.wizard);
  const mocks = useSim((s) => s.mocks);
  const follow = useSim((s) => s.follow);
  const selected = useSim((s) => s.selectedTurn);
  const [text, setText] = useState('');
  const log = useRef<HTMLDivElement>(null);
  const streamed = pending?.streaming.parts.reduce((n, p) => n + p.text.length, 0) ?? 0;
  const busy = Boolean(pending);

  useEffect(() => {
    log.current?.scrollTo({ top: log.current.scrollHeight });
  }, [turns.length, streamed, busy]);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const t = text.trim();
    if (!t || pending) return;
    setText('');
    void send({ type: 'text', text: t });
  };
  const shown = selected ?? turns.length - 1;

  return (
    <aside className="simulator" aria-label="Simulator" data-testid="simulator">
      <header className="sim-head">
        <strong>Simulator</strong>
        <span className="sim-model" title={status?.message}>
          {wizard ? 'Wizard of Oz' : status?.configured ? status.model : status?.model ? `${status.model} (no key)` : 'no model'}
        </span>
        <label title="Type the model's replies yourself">
          <input
            type="checkbox"
            checked={wizard}
            onChange={(e) => {
              setSim({ wizard: e.target.checked });
              void restart();
            }}
          />{' '}
          Wizard
        </label>
        <label title="Answer API calls from the mocks in parley.yaml: nothing is sent to a backend">
          <input
            type="checkbox"
            checked={mocks}
            onChange={(e) => {
              setSim({ mocks: e.target.checked });
              void restart();
            }}
          />{' '}
          Mocks
        </label>
        <label title="Show the flow the conversation is in">
          <input type="checkbox" checked={follow} onChange={(e) => setFollow(e.target.checked)} /> Follow
        </label>
        <button onClick={() => void restart()} title="Start the conversation again">
          Restart
        </button>
        <button onClick={closeSimulator} aria-label="Close the simulator">
          ✕
        </button>
      </header>
      {status && !status.configured && !wizard && (
        <div className="banner info sim-status" role="status">
          {status.message}
          {status.keyProblems.map((p) => (
            <div key={p} className="muted">
              {p}
            </div>
          ))}
          {status.model && !status.trusted && <button onClick={openTrustDialog}>Review and trust…</button>}
          {status.model && status.trusted && !status.keySource && <ApiKeyForm target={status.saveTarget} />}
          <button
            onClick={() => {
              setSim({ wizard: true });
              void restart();
            }}
          >
            Use Wizard-of-Oz mode
          </button>
        </div>
      )}
      <Settings />
      <SaveAsStory />
      <div className="sim-log" ref={log} role="log" aria-live="polite">
        {turns.map((t, i) => (
          <Turn key={`${t.index}:${i}`} t={t} last={i === turns.length - 1} selected={i === shown} />
        ))}
        <Pending />
        {error && (
          <div className="bubble error" role="alert">
            {error}
          </div>
        )}
      </div>
      <Wizard />
      <form className="sim-compose" onSubmit={submit}>
        <input
          aria-label="Message the bot"
          placeholder="Type as the customer…"
          value={text}
          onChange={(e) => setText(e.target.value)}
          disabled={!turns.length && !pending}
        />
        <button type="submit" disabled={!text.trim() || Boolean(pending)}>
          Send
        </button>
      </form>
      <TraceView turn={turns[shown]} />
    </aside>
  );
}
