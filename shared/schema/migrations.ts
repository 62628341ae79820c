import { SCHEMA_VERSION } from './common';

/**
 * Ordered migrations of the on-disk format. Each takes the raw (unvalidated) files of a project at version
 * `from` and returns them at `from + 1`. They run in memory when a project is opened; the files on disk
 * change only when the user saves, so opening an old project never rewrites it behind their back.
 */
export interface RawProject {
  manifest: Record<string, unknown>;
  nlu: Record<string, unknown> | undefined;
  flows: Record<string, unknown>;
}

interface Migration {
  from: number;
  description: string;
  up(p: RawProject): RawProject;
}

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

export const MIGRATIONS: readonly Migration[] = [
  {
    from: 1,
    description:
      "v1 named the node kind `type` and an ask's slot type `slotType`, and held single-locale copy in `text` (messages) and `question` (asks); v2 uses `kind`, `type`, and `say` and `prompt` keyed by locale",
    up(p) {
      const locale = typeof p.manifest.defaultLocale === 'string' ? p.manifest.defaultLocale : 'en';
      const manifest: Record<string, unknown> = { ...p.manifest, schema: 2 };
      if (!manifest.defaultLocale) manifest.defaultLocale = locale;
      if (!manifest.locales) manifest.locales = [locale];
      const flows: Record<string, unknown> = {};
      for (const [id, flow] of Object.entries(p.flows)) {
        if (!isObj(flow) || !Array.isArray(flow.nodes)) {
          flows[id] = flow;
          continue;
        }
        const nodes = flow.nodes.map((n: unknown) => {
          // Only v1 nodes (no `kind` yet) are rewritten, so running this twice cannot change a v2 node.
          if (!isObj(n) || n.kind !== undefined) return n;
          const { type, text, question, slotType, ...rest } = n;
          const out: Record<string, unknown> = { ...rest };
          if (out.kind === undefined && type !== undefined) out.kind = type;
          // v2 reuses `type` on ask nodes for the slot type, which v1 called `slotType`.
          if (out.kind === 'ask') out.type = slotType ?? 'text';
          if (text !== undefined) out.say = typeof text === 'string' ? { [locale]: text } : text;
          if (question !== undefined) out.prompt = typeof question === 'string' ? { [locale]: question } : question;
          return out;
        });
        flows[id] = { ...flow, nodes };
      }
      return { manifest, nlu: p.nlu, flows };
    },
  },
];

export type MigrationResult = { ok: true; project: RawProject; from: number; applied: string[] } | { ok: false; message: string };

export function migrate(raw: RawProject): MigrationResult {
  const from = raw.manifest.schema;
  if (typeof from !== 'number' || !Number.isInteger(from) || from < 1) {
    return { ok: false, message: 'schema must be a whole number (the format version, currently ' + SCHEMA_VERSION + ')' };
  }
  if (from > SCHEMA_VERSION) {
    return {
      ok: false,
      message: `this project uses format version ${from}, newer than this Parley understands (${SCHEMA_VERSION}); update Parley`,
    };
  }
  let project = raw;
  const applied: string[] = [];
  for (let v = from; v < SCHEMA_VERSION; v++) {
    const m = MIGRATIONS.find((x) => x.from === v);
    if (!m) return { ok: false, message: `no migration from format version ${v}` };
    project = m.up(project);
    applied.push(`${v}→${v + 1}: ${m.description}`);
  }
  return { ok: true, project, from, applied };
}
