import { describe, expect, it } from 'vitest';
import { readResponse, responsePathProblem } from './responsePath';

const body = {
  data: {
    accounts: [
      { id: 'a1', balance: 12.5 },
      { id: 'a2', balance: -3 },
    ],
    name: 'Everyday',
  },
};

describe('api response paths', () => {
  it('reads dot paths as before', () => {
    expect(readResponse(body, 'data.name')).toBe('Everyday');
    expect(readResponse(body, 'data.missing')).toBeUndefined();
    expect(readResponse('<html>', 'data.name')).toBeUndefined();
  });

  it('reads JSONPath: one value, a list from a wildcard, a slice or a recursive descent', () => {
    expect(readResponse(body, '$.data.accounts[0].balance')).toBe(12.5);
    expect(readResponse(body, "$['data']['name']")).toBe('Everyday');
    expect(readResponse(body, '$.data.accounts[*].id')).toEqual(['a1', 'a2']);
    expect(readResponse(body, '$..balance')).toEqual([12.5, -3]);
    expect(readResponse(body, '$.data.accounts[-1:]')).toEqual([{ id: 'a2', balance: -3 }]);
    expect(readResponse(body, '$.data.nothing')).toBeUndefined();
  });

  it('never runs script: filter and script segments are refused, not evaluated', () => {
    const evil = '$.data.accounts[?(@.balance < 0 || (globalThis.pwned = true))].id';
    expect(readResponse(body, evil)).toBeUndefined();
    expect((globalThis as { pwned?: boolean }).pwned).toBeUndefined();
    expect(responsePathProblem(evil)).toMatch(/filter and script expressions .* are off/);
    expect(responsePathProblem('$.data.accounts[(@.length-1)]')).toMatch(/are off/);
  });

  it('gives own properties only, never the prototype chain', () => {
    expect(readResponse(body, '$.data.constructor')).toBeUndefined();
    expect(readResponse(body, 'data.constructor')).toBeUndefined();
  });

  it('says what is wrong with a malformed path', () => {
    expect(responsePathProblem('$.data.accounts[0')).toMatch(/brackets do not match/);
    expect(responsePathProblem("$['data]")).toMatch(/quote is not closed/);
    expect(responsePathProblem('data..name')).toMatch(/empty segment/);
    expect(responsePathProblem('$.data.accounts[0].balance')).toBeUndefined();
    expect(responsePathProblem('data.balance')).toBeUndefined();
  });
});
