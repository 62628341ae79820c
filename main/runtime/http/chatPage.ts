// A minimal web chat at `/` to try the bot: plain HTML and one inline script, no framework. It asks for the
// bearer token (kept in the page's memory only) and talks to the native API. The bundle's name is escaped; the
// bot's replies are set as text, never as HTML.

import { createHash } from 'node:crypto';

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

const SCRIPT = `
const log = document.getElementById('log');
const form = document.getElementById('form');
const input = document.getElementById('text');
const tokenInput = document.getElementById('token');
let id;
const say = (who, text) => { const p = document.createElement('p'); p.className = who; p.textContent = text; log.append(p); log.scrollTop = log.scrollHeight; };
const buttons = (qrs) => {
  const row = document.createElement('div'); row.className = 'qr';
  for (const q of qrs) { const b = document.createElement('button'); b.type = 'button'; b.textContent = q.label; b.onclick = () => send({ payload: q.payload, label: q.label }, q.label); row.append(b); }
  log.append(row);
};
const call = async (path, body) => {
  const headers = { 'content-type': 'application/json' };
  if (tokenInput.value) headers.authorization = 'Bearer ' + tokenInput.value;
  const r = await fetch(path, { method: 'POST', headers, body: JSON.stringify(body) });
  const json = await r.json().catch(() => ({}));
  if (!r.ok) throw new Error((json.error && json.error.message) || r.statusText);
  return json;
};
const show = (r) => { for (const m of r.messages) say('bot', m.text); if (r.quickReplies.length) buttons(r.quickReplies); if (r.handoff) say('note', 'Handed over to a person (' + r.handoff.queue + ')'); if (r.ended) say('note', 'The conversation ended (' + r.ended.outcome + ')'); };
async function send(body, shown) {
  try {
    if (!id) { const r = await call('/v1/conversations', {}); id = r.id; show(r); }
    if (shown) { say('user', shown); show(await call('/v1/conversations/' + encodeURIComponent(id) + '/messages', body)); }
  } catch (e) { say('error', String(e.message || e)); }
}
form.onsubmit = (e) => { e.preventDefault(); const t = input.value.trim(); input.value = ''; send({ text: t }, t || undefined); };
document.getElementById('restart').onclick = () => { id = undefined; log.textContent = ''; send({}, undefined); };
`;

const STYLE = `body{font:15px system-ui,sans-serif;margin:0;display:flex;flex-direction:column;height:100vh;background:#f5f6f8}
header{padding:10px 16px;background:#1f2937;color:#fff;display:flex;gap:12px;align-items:center}header input{flex:1;max-width:260px}
#log{flex:1;overflow:auto;padding:16px}p{width:fit-content;max-width:70%;box-sizing:border-box;padding:8px 12px;border-radius:12px;margin:6px 0;white-space:pre-wrap}
.bot{background:#fff;border:1px solid #d9dde5}.user{background:#3056d3;color:#fff;margin-left:auto}.note{color:#666;font-style:italic}
.error{color:#c62828}.qr button{margin:4px 6px 4px 0}form{display:flex;gap:8px;padding:12px 16px;background:#fff;border-top:1px solid #d9dde5}
form input{flex:1;padding:8px}`;

export const chatPage = {
  /** Only this page's own script runs (by its hash); it may call this server only. */
  csp: `default-src 'none'; script-src 'sha256-${createHash('sha256').update(SCRIPT).digest('base64')}'; style-src 'unsafe-inline'; connect-src 'self'; base-uri 'none'; form-action 'none'`,
  html(bundle: { name: string; version: string }): string {
    return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${escapeHtml(bundle.name)} ${escapeHtml(bundle.version)}</title><style>${STYLE}</style></head><body>
<header><strong>${escapeHtml(bundle.name)}</strong><span>${escapeHtml(bundle.version)}</span><input id="token" type="password" placeholder="Bearer token" autocomplete="off"><button id="restart" type="button">Start over</button></header>
<div id="log" aria-live="polite"></div>
<form id="form"><input id="text" autocomplete="off" placeholder="Type a message" aria-label="Message"><button>Send</button></form>
<script>${SCRIPT}</script></body></html>`;
  },
};
