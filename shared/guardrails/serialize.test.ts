import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseYaml } from '../project/parse';
import { GuardrailsFile } from '../schema/guardrails';
import { DEFAULT_GUARDRAILS } from './rules';
import { describeRule } from './describe';
import { serializeGuardrails } from './serialize';

describe('serializeGuardrails', () => {
  it("round-trips the sample's file and the defaults, keys in the file's order", () => {
    const text = readFileSync(path.resolve(import.meta.dirname, '../../examples/acme-bank/guardrails.yaml'), 'utf8');
    const sample = GuardrailsFile.parse(parseYaml('guardrails.yaml', text).value);
    for (const f of [sample, DEFAULT_GUARDRAILS]) {
      const out = serializeGuardrails(f);
      expect(GuardrailsFile.parse(parseYaml('guardrails.yaml', out).value)).toEqual(f);
    }
    const out = serializeGuardrails({ rules: [{ action: 'route', flow: 'support', detector: 'sensitive_topic', id: 'grief' }], allow: ['damn'] });
    expect(out).toBe('allow:\n  - damn\nrules:\n  - id: grief\n    detector: sensitive_topic\n    action: route\n    flow: support\n');
  });

  it('says what a rule does in one line', () => {
    expect(describeRule({ id: 'a', detector: 'sensitive_topic', categories: ['self_harm'], action: 'route', flow: 'care', interrupts: true })).toBe(
      'sensitive_topic: self_harm (input) → route to care, even mid-question',
    );
    expect(describeRule({ id: 'b', detector: 'pattern', pattern: 'ACME-\\d+', direction: 'both', action: 'redact', enabled: false })).toBe(
      'pattern: /ACME-\\d+/ (input and output) → redact [off]',
    );
  });
});
