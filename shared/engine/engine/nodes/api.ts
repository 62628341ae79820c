// The api node: a request built from templates, each in its context (a value is never spliced into request
// text), made through the HTTP port; the response's fields are assigned to variables.
import type { NodeOf } from '../../../schema/nodes';
import type { HttpRequest, HttpResult, SecretHeaderPart } from '../../ports';
import { secretMarker, secretRefOf } from '../../secrets';
import {
  display,
  hasDotSegment,
  renderJsonTemplate,
  renderJsonText,
  renderTemplate,
  urlComponent,
  type BodyProblem,
  type CompiledTemplate,
  type JsonTemplate,
  type TemplateProblem,
} from '../../templates';
import type { At } from '../../types';
import { readResponse } from '../../responsePath';
import { errorText, type Run, type Step } from '../effects';
import { environmentOf, hashUnit, retryable, retryDelay, retryPolicy, traceBody, unmappable, urlTemplate } from './apiPolicy';
import type { Turn } from '../turn';

/**
 * An API request from the node's templates, each in its context: URL values percent-encoded as one segment
 * or query value, header values without line breaks or control characters, a JSON body built as data and
 * serialised (a value can never add a field). `refused` says why the call must not be made.
 */
function buildRequest(t: Turn, node: NodeOf<'api'>, at: At, extra?: Record<string, unknown>): HttpRequest | { refused: string; url: string } {
  const scope = t.scope(extra);
  const report = (field: string, problems: readonly { placeholder: string; message: string }[]) => {
    for (const p of problems) t.problem(`${field}: {{${p.placeholder}}}: ${p.message}`, at, 'warning');
  };
  const u = renderTemplate(t.engine.template(urlTemplate(node, environmentOf(t.engine.model.manifest))), scope, urlComponent);
  report('url', u.problems);
  const url = u.text;
  if (hasDotSegment(url)) return { refused: 'url: a value makes a "." or ".." path segment', url };
  const headers: Record<string, string> = {};
  const secretHeaders: Record<string, SecretHeaderPart[]> = {};
  for (const [k, v] of Object.entries(node.headers ?? {})) {
    const tpl = t.engine.template(v);
    const withSecrets = tpl.parts.some((p) => typeof p !== 'string' && secretRefOf(p.source) !== undefined);
    const h = withSecrets ? renderSecretHeader(tpl, scope) : { ...renderTemplate(tpl, scope), parts: undefined };
    report(`headers.${k}`, h.problems);
    // CR/LF would start a new header line; other control characters are refused too (a tab is allowed)
    if (hasControlChar(h.text)) return { refused: `header ${k}: the value contains a line break or a control character`, url };
    headers[k] = h.text;
    if (h.parts) secretHeaders[k] = h.parts;
  }
  const request: HttpRequest = {
    operation: node.operation,
    method: node.method ?? 'GET',
    url,
    headers,
    ...(Object.keys(secretHeaders).length ? { secretHeaders } : {}),
    timeoutMs: node.timeoutMs ?? 5000,
  };
  if (node.body === undefined) return request;
  const contentType = Object.entries(headers).find(([k]) => k.toLowerCase() === 'content-type')?.[1];
  const setType = (type: string) => {
    if (contentType === undefined) headers['Content-Type'] = type;
  };
  const compile = (text: string) => t.engine.template(text);
  let json: { value: unknown; problems: BodyProblem[] } | undefined;
  if (typeof node.body === 'string') {
    const tpl = compile(node.body);
    json = renderJsonText(tpl, compile, scope);
    if (!json) {
      // not JSON: text
      if (contentType && /json/i.test(contentType))
        return { refused: `body: the content type is ${contentType} but the body template is not valid JSON; write the body as a YAML mapping`, url };
      const form = contentType !== undefined && /^application\/x-www-form-urlencoded/i.test(contentType);
      const b = renderTemplate(tpl, scope, form ? urlComponent : display);
      report('body', b.problems);
      setType('text/plain; charset=utf-8');
      return { ...request, body: b.text };
    }
  } else json = renderJsonTemplate(node.body as JsonTemplate, compile, scope);
  for (const p of json.problems) t.problem(`${p.field}: {{${p.placeholder}}}: ${p.message}`, at, 'warning');
  setType('application/json');
  return { ...request, body: JSON.stringify(json.value) };
}

export function* execApi(t: Turn, node: NodeOf<'api'>, at: At): Run<Step> {
  const outcome = yield* callApi(t, node, at);
  if (outcome === 'next') return t.go(at, node.next, 'next');
  if (outcome === 'timeout' && node.timeout) return t.go(at, node.timeout, 'timeout');
  return t.go(at, node.error, 'error');
}

/**
 * The call itself (request, retries, trace, assignments), without leaving the node: which way it went. `extra`
 * adds names the templates see (a handoff's ticket sees `handoff`).
 */
export function* callApi(t: Turn, node: NodeOf<'api'>, at: At, extra?: Record<string, unknown>): Run<'next' | 'error' | 'timeout'> {
  const built = buildRequest(t, node, at, extra);
  if ('refused' in built) {
    // the call is not made: a value would have changed the request's shape
    t.trace.push({
      kind: 'api',
      ...at,
      operation: node.operation,
      method: node.method ?? 'GET',
      url: built.url,
      outcome: 'error',
      ms: 0,
      message: built.refused,
      failure: 'refused',
    });
    t.problem(`API call ${node.operation} not made: ${built.refused}`, at);
    return 'error';
  }
  const policy = retryPolicy(node);
  let request: HttpRequest = built;
  for (let attempt = 1; ; attempt++) {
    const r = yield { type: 'http', request };
    const sent = { headers: { ...request.headers }, ...(request.body !== undefined ? { body: request.body } : {}) };
    const base = { kind: 'api' as const, ...at, operation: request.operation, method: request.method, url: request.url, request: sent };
    // "attempt 2 of 3: ..." once a call has been tried again (or may be)
    const nth = (m?: string) => (policy.attempts > 1 && attempt > 1 ? `attempt ${attempt} of ${policy.attempts}${m ? `: ${m}` : ''}` : m);
    if (!r.ok) {
      t.trace.push({ ...base, outcome: 'error', ms: 0, message: nth(errorText(r.error)) ?? '' });
      return 'error';
    }
    const res = r.value as HttpResult;
    const ok = res.ok && res.status >= 200 && res.status < 300;
    let giveUp: string | undefined;
    if (!ok && attempt < policy.attempts && retryable(res)) {
      const unit = t.random ? t.random.next() : hashUnit(`${t.s.seed ?? ''}:${t.s.turn}:${at.flow}:${at.node}:${attempt}`);
      const next = retryDelay(policy, attempt, unit, res.ok ? res.retryAfterMs : undefined);
      if ('delayMs' in next) {
        const why = res.ok ? `HTTP ${res.status}` : res.message;
        const message = `attempt ${attempt} of ${policy.attempts}: ${why}; retrying in ${next.delayMs} ms`;
        if (res.ok)
          t.trace.push({
            ...base,
            status: res.status,
            outcome: 'error',
            ms: res.ms,
            message,
            ...(res.body !== undefined ? { response: traceBody(res.body) } : {}),
          });
        else t.trace.push({ ...base, outcome: res.reason === 'timeout' ? 'timeout' : 'error', ms: res.ms, message, failure: res.reason });
        request = { ...built, delayMs: next.delayMs };
        continue;
      }
      giveUp = next.giveUp;
    }
    if (!res.ok) {
      t.trace.push({
        ...base,
        outcome: res.reason === 'timeout' ? 'timeout' : 'error',
        ms: res.ms,
        message: nth(res.message) ?? res.message,
        failure: res.reason,
      });
      return res.reason === 'timeout' ? 'timeout' : 'error';
    }
    // a 2xx that cannot be mapped (an HTML page, text) is an error: the variables the flow goes on with would be missing
    const bad = ok && node.assign?.length ? unmappable(res.body) : undefined;
    const message = nth(giveUp ?? bad);
    t.trace.push({
      ...base,
      status: res.status,
      outcome: ok && !bad ? 'success' : 'error',
      ms: res.ms,
      ...(message ? { message } : {}),
      ...(res.body !== undefined ? { response: traceBody(res.body) } : {}),
    });
    if (!ok || bad) return 'error';
    for (const a of node.assign ?? []) {
      const v = readResponse(res.body, a.path);
      if (v === undefined) t.problem(`assign ${a.var}: the response has no "${a.path}"`, at, 'warning');
      else t.setVar(a.var, v);
    }
    return 'next';
  }
}

/**
 * A header value with secrets: the text shows each as its marker (what traces see), and the parts name them for
 * the HTTP port, which alone knows the values. Other placeholders render as in any header.
 */
function renderSecretHeader(tpl: CompiledTemplate, scope: Record<string, unknown>): { text: string; problems: TemplateProblem[]; parts: SecretHeaderPart[] } {
  const parts: SecretHeaderPart[] = [];
  const problems: TemplateProblem[] = [];
  let literal = '';
  let text = '';
  for (const p of tpl.parts) {
    const name = typeof p === 'string' ? undefined : secretRefOf(p.source);
    if (name !== undefined) {
      if (literal) parts.push(literal);
      literal = '';
      parts.push({ secret: name });
      text += secretMarker(name);
      continue;
    }
    const r = renderTemplate({ parts: [p], refs: [], errors: [] }, scope);
    problems.push(...r.problems);
    literal += r.text;
    text += r.text;
  }
  if (literal) parts.push(literal);
  return { text, problems, parts };
}

/** A control character other than tab (CR and LF included): never in a header value. */
function hasControlChar(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if ((c < 0x20 && c !== 0x09) || c === 0x7f) return true;
  }
  return false;
}
