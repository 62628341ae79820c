import { describe, expect, it } from 'vitest';
import type { TurnView } from '../../../shared/api/contract';
import { mockableFailures, mockableNotice } from './mockHint';

type Api = Extract<TurnView['trace'][number], { kind: 'api' }>;
const call = (operation: string, extra: Partial<Api> = {}): Api => ({
  kind: 'api',
  flow: 'main',
  node: operation,
  operation,
  method: 'GET',
  url: `https://bank.example/${operation}`,
  outcome: 'error',
  ms: 0,
  failure: 'blocked',
  ...extra,
});
const turn = (trace: TurnView['trace']): TurnView => ({
  index: 1,
  input: { type: 'text', text: 'balance?' },
  outputs: [],
  trace,
  path: [],
  state: { locale: 'en', wait: null, stack: [], vars: {}, fallbacks: 0 },
});
const mocks = { get_balance: { ok: {} }, list_cards: { two: {} } };

describe('the simulator`s notice of API calls that mocks could have answered', () => {
  it('names each failed call of an operation with mocks once, in order, with why it failed', () => {
    const t = turn([
      call('list_cards', { failure: 'timeout', outcome: 'timeout' }),
      call('get_balance'),
      call('get_balance', { failure: 'network' }),
      call('freeze_card'), // no mocks for it
    ]);
    const got = mockableFailures(t, mocks, false);
    expect(got).toEqual([
      { operation: 'list_cards', why: 'timed out' },
      { operation: 'get_balance', why: 'not sent' },
    ]);
    expect(mockableNotice(got)).toBe(
      'No answer from list_cards (timed out) and get_balance (not sent). parley.yaml has mocks for them: replay the conversation answered from the mocks (nothing is sent).',
    );
    expect(mockableNotice(got.slice(1))).toBe(
      'No answer from get_balance (not sent). parley.yaml has mocks for it: replay the conversation answered from the mocks (nothing is sent).',
    );
    expect(mockableFailures(turn([call('get_balance', { failure: 'network' })]), mocks, false)).toEqual([
      { operation: 'get_balance', why: 'host not reached' },
    ]);
  });

  it('says nothing with mocks on, without mocks in parley.yaml, or for calls a mock would not stand in for', () => {
    const failed = turn([call('get_balance')]);
    expect(mockableFailures(failed, mocks, true)).toEqual([]);
    expect(mockableFailures(failed, undefined, false)).toEqual([]);
    expect(mockableFailures(failed, { other: {} }, false)).toEqual([]);
    expect(mockableFailures(undefined, mocks, false)).toEqual([]);
    // the backend answered (an error status), the request was refused before it was built, the response was too large, or it succeeded
    const none = turn([
      call('get_balance', { status: 500, failure: undefined }),
      call('get_balance', { failure: 'refused' }),
      call('get_balance', { failure: 'too_large' }),
      call('get_balance', { outcome: 'success', status: 200, failure: undefined }),
    ]);
    expect(mockableFailures(none, mocks, false)).toEqual([]);
    // an operation named like a property of every object is not taken for one with mocks
    expect(mockableFailures(turn([call('constructor')]), mocks, false)).toEqual([]);
  });
});
