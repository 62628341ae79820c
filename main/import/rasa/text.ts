// Small conversions shared by the Rasa importer: names to Parley ids, annotated examples to plain text and
// entities, Rasa `{slot}` placeholders to Parley templates, and copy to a regular expression for stories (the
// generic helpers live in ../common/text).
export { responsePattern, toId } from '../common/text';

export interface Annotation {
  entity: string;
  /** The text as written in the example. */
  text: string;
  /** The value Rasa stores (the text, unless the annotation maps it to a synonym). */
  value: string;
}

// [text](entity), [text](entity:value) (Rasa 1), [text]{"entity": "e", "value": "v", "role": ...}
const ANNOTATION = /\[([^\]\n]+)\](?:\(([^)\n]+)\)|(\{[^}\n]*\}))/g;

/** An example without its entity annotations, and the annotations. */
export function stripAnnotations(example: string): { text: string; entities: Annotation[] } {
  const entities: Annotation[] = [];
  const text = example.replace(ANNOTATION, (_m, shown: string, paren?: string, brace?: string) => {
    if (paren !== undefined) {
      const [entity = '', value] = paren.split(':');
      if (entity.trim()) entities.push({ entity: entity.trim(), text: shown, value: (value ?? shown).trim() });
    } else if (brace !== undefined) {
      try {
        const o = JSON.parse(brace) as { entity?: unknown; value?: unknown };
        if (typeof o.entity === 'string') entities.push({ entity: o.entity, text: shown, value: typeof o.value === 'string' ? o.value : shown });
      } catch {
        // not JSON: the text stays, no entity
      }
    }
    return shown;
  });
  return { text: text.trim(), entities };
}

/** `examples: |` text (`- ` lines) or a list, as example strings. */
export function exampleLines(examples: unknown): string[] {
  if (typeof examples === 'string') {
    return examples
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l.startsWith('- ') || l === '-')
      .map((l) => l.slice(2).trim())
      .map((l) => (/^".*"$/.test(l) ? l.slice(1, -1) : l))
      .filter(Boolean);
  }
  if (Array.isArray(examples)) {
    return examples
      .map((e) => (typeof e === 'string' ? e : typeof e === 'object' && e && 'text' in e ? String((e as { text: unknown }).text) : ''))
      .filter(Boolean);
  }
  return [];
}

/** Rasa `{slot}` placeholders become `{{slots.<id>}}`. */
export function toTemplate(text: string, slotId: (name: string) => string): string {
  return text.replace(/\{([A-Za-z_][A-Za-z0-9_-]*)\}/g, (_m, name: string) => `{{slots.${slotId(name)}}}`);
}
