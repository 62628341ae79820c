// Rasa responses to Parley copy: each variation becomes one variant of the copy (the engine picks one), `{slot}`
// placeholders become `{{slots.<slot>}}`, and buttons become quick replies. A button whose payload is an intent
// (`/affirm`) sends that intent (`intent:affirm`); one that also sets entities (`/inform{"priority":"low"}`)
// sends the entity's value as text, so that a question hears it; any other payload is sent as typed text.
import type { Button } from '../../../shared/schema/nodes';
import type { RasaResponseVariation } from './schema';
import type { Report } from './report';
import { toId, toTemplate } from './text';

export interface Copy {
  say: Record<string, string | string[]>;
  buttons?: Button[];
  /** The variations' texts as Rasa wrote them, for story checks. */
  texts: string[];
}

export interface ResponseContext {
  locale: string;
  slotId: (name: string) => string;
  intentId: (name: string) => string | undefined;
  report: Report;
}

function buttonPayload(payload: string | undefined, title: string, ctx: ResponseContext): string {
  if (payload === undefined) return title.slice(0, 500);
  const m = /^\/([^{\s]+)(\{.*\})?\s*$/s.exec(payload);
  if (!m) return payload.slice(0, 500);
  if (m[2]) {
    try {
      const values = Object.values(JSON.parse(m[2]) as Record<string, unknown>).filter((v) => typeof v === 'string' || typeof v === 'number');
      if (values.length) return String(values[0]).slice(0, 500);
    } catch {
      // not JSON: the intent alone
    }
  }
  const id = ctx.intentId(m[1]!);
  return id ? `intent:${id}` : title.slice(0, 500);
}

export function convertResponse(name: string, variations: RasaResponseVariation[], ctx: ResponseContext): Copy | undefined {
  const usable = variations.filter((v) => v.text !== undefined && v.text.trim() !== '');
  if (variations.some((v) => v.channel !== undefined || v.condition !== undefined))
    ctx.report.approximated(`Response \`${name}\`: variations for a channel or a slot condition are kept as plain variations (the engine picks any one).`);
  if (variations.some((v) => v.image !== undefined || v.custom !== undefined))
    ctx.report.person(`Response \`${name}\`: images and custom payloads are not imported; add them to the copy by hand if needed.`);
  const texts = usable.map((v) => v.text!);
  if (!texts.length) {
    const btn = variations.find((v) => v.buttons?.length);
    if (!btn) return undefined;
    texts.push(name);
  }
  const copies = [...new Set(texts.map((t) => toTemplate(t, ctx.slotId)))];
  const say = { [ctx.locale]: copies.length === 1 ? copies[0]! : copies };
  const withButtons = variations.find((v) => v.buttons?.length);
  if (!withButtons) return { say, texts };
  const ids = new Set<string>();
  const buttons: Button[] = withButtons.buttons!.slice(0, 20).map((b) => ({
    id: toId(b.title, ids, 'button'),
    label: { [ctx.locale]: b.title.slice(0, 1000) || b.title },
    payload: buttonPayload(b.payload, b.title, ctx),
  }));
  return { say, buttons, texts };
}
