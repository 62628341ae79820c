import './trust.css';
import { useEffect, useRef, useState } from 'react';
import type { SecretInfo } from '../../../shared/api/contract';
import { closeTrustDialog, grantTrust, revokeTrust, saveSecret, useTrust } from './trustStore';

/**
 * What the project would do if trusted, from parley.yaml: the model's host (and which key may go there), the
 * environment variables it asks to read (each approved on its own, for the host it would go to), the hosts its
 * `api` nodes may call and the secrets they send (each with its hosts; never a value). Trusting approves exactly this list; a project that later asks for more is asked again.
 * For a trusted project (opened from the project menu) it shows what was approved and can revoke it.
 */
export function TrustDialog() {
  const open = useTrust((s) => s.dialogOpen);
  const status = useTrust((s) => s.status);
  const busy = useTrust((s) => s.busy);
  const error = useTrust((s) => s.error);
  const secrets = useTrust((s) => s.secrets);
  const [approved, setApproved] = useState<Record<string, boolean>>({});
  const first = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    if (!open || !status) return;
    setApproved(Object.fromEntries(status.envVars.map((v) => [v.name, v.approved])));
    first.current?.focus();
  }, [open, status]);
  if (!open || !status) return null;
  const { llm } = status;
  const trusted = status.state === 'trusted';
  const keyRule = !llm
    ? null
    : llm.provider
      ? 'Your Anthropic key (Settings, ANTHROPIC_API_KEY or the credentials file) is sent to Anthropic.'
      : llm.loopback
        ? 'A server on this computer; your Anthropic key may be sent to it.'
        : `Another host: your Anthropic key is never sent there. It gets only a key you set for ${llm.origin}${status.envVars.length ? ' or a variable you approve below' : ''}.`;
  return (
    <div className="overlay" role="presentation" onClick={closeTrustDialog} onKeyDown={(e) => e.key === 'Escape' && closeTrustDialog()}>
      <div className="trust-dialog" role="dialog" aria-modal="true" aria-labelledby="trust-title" onClick={(e) => e.stopPropagation()}>
        <h2 id="trust-title">{trusted ? 'This project is trusted' : 'Trust this project?'}</h2>
        <p className="trust-dir">
          <code>{status.dir}</code>
        </p>
        <p>
          {trusted
            ? 'You trusted it with what follows. Revoke, and Parley again sends no key and makes no model or API call for it until you review it again.'
            : 'A project can come from anyone (a git clone, a vendor). If you trust it, this is what it will do when you simulate it:'}
        </p>
        <section aria-label="Model">
          <h3>Model</h3>
          {llm ? (
            <p>
              Calls <code className="trust-host">{llm.origin}</code>
              {llm.new && <span className="trust-new">new</span>}
              <br />
              <small>{keyRule}</small>
            </p>
          ) : (
            <p>No model is configured.</p>
          )}
        </section>
        <section aria-label="Environment variables">
          <h3>Environment variables</h3>
          {status.envVars.length === 0 ? (
            <p>None.</p>
          ) : (
            <ul>
              {status.envVars.map((v) => (
                <li key={v.name}>
                  <label>
                    <input
                      type="checkbox"
                      disabled={trusted}
                      checked={Boolean(approved[v.name])}
                      onChange={(e) => setApproved((a) => ({ ...a, [v.name]: e.target.checked }))}
                    />
                    Read <code className="trust-var">{v.name}</code> and send it to <code>{v.origin}</code>
                    {v.new && <span className="trust-new">new</span>}
                  </label>
                </li>
              ))}
            </ul>
          )}
        </section>
        <section aria-label="API hosts">
          <h3>API calls</h3>
          {status.apiHosts.length === 0 ? (
            <p>None: its api nodes may call no host.</p>
          ) : (
            <ul>
              {status.apiHosts.map((h) => (
                <li key={`${h.environment}/${h.host}`}>
                  <code className="trust-host">{h.host}</code> <small>(environment {h.environment})</small>
                  {h.new && <span className="trust-new">new</span>}
                </li>
              ))}
            </ul>
          )}
        </section>
        {status.secrets.length > 0 && (
          <section aria-label="Secrets">
            <h3>Secrets</h3>
            <ul>
              {status.secrets.map((x) => (
                <li key={x.name}>
                  Send secret <code className="trust-var">{x.name}</code> only to{' '}
                  {x.hosts.map((h, i) => (
                    <span key={h}>
                      {i > 0 && ', '}
                      <code className="trust-host">{h}</code>
                    </span>
                  ))}
                  {x.new && <span className="trust-new">new</span>}
                  <SecretValue info={secrets.find((s) => s.name === x.name)} name={x.name} envVar={x.envVar} busy={busy} />
                </li>
              ))}
            </ul>
          </section>
        )}
        {error && (
          <p className="trust-error" role="alert">
            {error}
          </p>
        )}
        {trusted ? (
          <footer>
            <button ref={first} onClick={closeTrustDialog}>
              Close
            </button>
            <button className="danger" disabled={busy} onClick={() => void revokeTrust()}>
              Revoke trust
            </button>
          </footer>
        ) : (
          <footer>
            <button ref={first} onClick={closeTrustDialog}>
              Stay in restricted mode
            </button>
            <button className="primary" disabled={busy} onClick={() => void grantTrust(Object.keys(approved).filter((k) => approved[k]))}>
              Trust this project
            </button>
          </footer>
        )}
      </div>
    </div>
  );
}

const SOURCE: Record<NonNullable<SecretInfo['source']>, string> = { keychain: 'saved in the OS keychain', file: 'saved in your user data folder', env: 'from' };

/** A secret's state and a field to set its value: the value goes to main and never comes back. */
function SecretValue({ info, name, envVar, busy }: { info: SecretInfo | undefined; name: string; envVar: string; busy: boolean }) {
  const [value, setValue] = useState('');
  const saved = info?.source === 'keychain' || info?.source === 'file';
  return (
    <div className="trust-secret">
      <small>
        {info?.set && info.source ? `Value ${SOURCE[info.source]}${info.source === 'env' ? ` ${envVar}` : ''}.` : `No value yet (set one here, or ${envVar}).`}
        {info?.problem && ` ${info.problem}`}
      </small>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          if (value) void saveSecret(name, value).then((ok) => ok && setValue(''));
        }}
      >
        <input
          type="password"
          autoComplete="off"
          aria-label={`Value of ${name}`}
          placeholder="paste the value"
          value={value}
          onChange={(e) => setValue(e.target.value)}
        />
        <button type="submit" disabled={busy || !value}>
          Save
        </button>
        {saved && (
          <button type="button" disabled={busy} onClick={() => void saveSecret(name, null)}>
            Forget
          </button>
        )}
      </form>
    </div>
  );
}
