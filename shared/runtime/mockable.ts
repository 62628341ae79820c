// Which failed API calls a design-time mock (parley.yaml `mocks`) stands in for: a backend that is not there (the
// call not sent, its host not reached, a timeout), for an operation that has mocks. Not a backend that answered,
// even with an error status, a response too large, or a request refused before it was built. The simulator's trace
// (main/services/simulator.ts) and its panel's notice (renderer/src/simulator/mockHint.ts) both ask this.

export const MOCKABLE_FAILURES = ['blocked', 'network', 'timeout'] as const;
export type MockableFailureKind = (typeof MOCKABLE_FAILURES)[number];

export function mockCouldAnswer(
  mocks: Readonly<Record<string, unknown>> | undefined,
  operation: string,
  failure: string | undefined,
): failure is MockableFailureKind {
  return Boolean(mocks && failure && (MOCKABLE_FAILURES as readonly string[]).includes(failure) && Object.hasOwn(mocks, operation));
}
