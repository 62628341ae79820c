// Session state helpers: a fresh conversation, and the deep merge of a customer profile into the variables.
import type { SessionState } from '../types';
import { checkForcedVariants } from '../variants';
import type { Engine } from './compile';

export interface InitialStateOptions {
  locale?: string;
  vars?: Record<string, unknown>;
  /** What A/B variants are assigned from (shared/engine/variants.ts): the runtime passes the conversation id. */
  seed?: string;
  /**
   * A/B variants forced for this conversation (`flow/node` → variant id), as the simulator's picker does; the
   * other nodes with variants are assigned as usual. A key that names no such node or variant throws a RangeError.
   */
  variants?: Readonly<Record<string, string>>;
}

/** A fresh conversation: the manifest's variables, overridden by `vars` (a customer profile, say). */
export function initialState(engine: Engine, opts: InitialStateOptions = {}): SessionState {
  const forced = opts.variants ? checkForcedVariants(engine, opts.variants) : {};
  const locale = opts.locale && engine.model.manifest.locales.includes(opts.locale) ? opts.locale : engine.model.manifest.defaultLocale;
  return {
    v: 1,
    locale,
    turn: 0,
    vars: mergeDeep(engine.model.manifest.variables ?? {}, opts.vars ?? {}),
    ...(opts.vars && Object.keys(opts.vars).length ? { profile: opts.vars } : {}),
    wait: null,
    stack: [],
    quickReplies: [],
    fallbacks: 0,
    last: { input: '', entities: {} },
    transcript: [],
    ...(opts.seed !== undefined ? { seed: opts.seed } : {}),
    ...(Object.keys(forced).length ? { variants: forced } : {}),
  };
}

const isPlain = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** `over` merged into `base`, objects key by key (a profile that sets `customer.tier` keeps `customer.name`). */
export function mergeDeep(base: Record<string, unknown>, over: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(over)) out[k] = isPlain(v) && isPlain(base[k]) ? mergeDeep(base[k], v) : v;
  return out;
}
