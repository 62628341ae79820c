// The bundle format: what `parley export` writes and what a runtime loads. Every JSON file of a bundle has a
// schema here, so a runtime validates all of it and rejects bad input naming the file and the field.
//
//   manifest.json              BundleManifest (canonical JSON): name, version, versions, sha256 of every file
//   manifest.sig               Ed25519 signature of the exact bytes of manifest.json (64 raw bytes)
//   project/parley.json        the project settings (parley.yaml)          } the compiled project, as the
//   project/nlu.json           intents, examples and entities (nlu.yaml)   } engine takes it (canvas layout
//   project/flows/<id>.json    one flow each (flows/<id>.yaml)             } left out)
//   project/guardrails.json    the guardrail rules (guardrails.yaml), when the project has them (optional)
//   nlu/models.json            the trained intent model of each locale (the runtime never trains)
//   knowledge.json             the knowledge documents (knowledge/*.md) the runtime indexes
//   copy/<locale>.json         every line the bot can say in that locale, by copy id
//   Dockerfile, docker-compose.yml, haproxy.cfg, README.md   deployment files and the operators' guide
//   server.mjs                 the runtime server (added by the exporter when it is given one)
import { z } from 'zod';
import { Locale } from '../schema/common';

export const BUNDLE_FORMAT = 'parley-bundle';
export const BUNDLE_FORMAT_VERSION = 1;

export const MANIFEST_FILE = 'manifest.json';
export const SIGNATURE_FILE = 'manifest.sig';
export const PROJECT_MANIFEST_FILE = 'project/parley.json';
export const PROJECT_NLU_FILE = 'project/nlu.json';
export const PROJECT_GUARDRAILS_FILE = 'project/guardrails.json';
export const NLU_MODELS_FILE = 'nlu/models.json';
export const KNOWLEDGE_FILE = 'knowledge.json';
export const SERVER_FILE = 'server.mjs';
export const DEPLOY_FILES = ['Dockerfile', 'docker-compose.yml', 'haproxy.cfg', 'README.md'] as const;

export const flowFileOf = (flowId: string): string => `project/flows/${flowId}.json`;
export const copyFileOf = (locale: string): string => `copy/${locale}.json`;
const FLOW_FILE = /^project\/flows\/([^/]+)\.json$/;
/** The flow id of `project/flows/<id>.json`, else undefined. */
export const flowIdOfFile = (file: string): string | undefined => FLOW_FILE.exec(file)?.[1];

/** Semantic version (semver.org's own pattern): 1.2.3, 1.2.3-rc.1, 1.2.3+build.5. */
export const Semver = z
  .string()
  .max(100)
  .regex(
    /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$/,
    'must be a semantic version such as 1.2.0',
  );

/**
 * A path inside a bundle: relative, forward slashes, each segment a plain name (no `.` or `..`, no dotfiles, no
 * backslash or colon), so a manifest can never name a file outside its folder.
 */
export const BundlePath = z
  .string()
  .max(300)
  .regex(/^[A-Za-z0-9_][A-Za-z0-9_.-]*(\/[A-Za-z0-9_][A-Za-z0-9_.-]*)*$/, 'must be a relative path of plain names separated by /')
  .refine((p) => !p.split('/').includes('..'), 'must stay inside the bundle');

export const Sha256Hex = z.string().regex(/^[0-9a-f]{64}$/, 'must be a SHA-256 digest in lower-case hex (64 digits)');

/** `manifest.json`. No timestamps: the same project and version give the same bytes. */
export const BundleManifest = z.strictObject({
  format: z.literal(BUNDLE_FORMAT),
  formatVersion: z.literal(BUNDLE_FORMAT_VERSION),
  /** The project's name (parley.yaml `name`). */
  name: z.string().min(1).max(200),
  version: Semver,
  /** The project file format (parley.yaml `schema`) the project was compiled from. */
  schemaVersion: z.number().int().min(1),
  /** The Parley version that exported it. */
  studioVersion: z.string().min(1).max(100),
  createdBy: z.string().min(1).max(200).optional(),
  /** Release notes. */
  notes: z.string().max(20_000).optional(),
  /** SHA-256 of every file of the bundle but manifest.json and manifest.sig, by path. */
  files: z
    .record(BundlePath, Sha256Hex, {
      error: (iss) => (iss.code === 'invalid_key' ? 'a file path must be a relative path of plain names separated by / (no .., no dotfiles)' : undefined),
    })
    .refine((f) => !(MANIFEST_FILE in f) && !(SIGNATURE_FILE in f), `must not list ${MANIFEST_FILE} or ${SIGNATURE_FILE}`)
    .refine((f) => Object.keys(f).length <= 10_000, 'lists more than 10,000 files'),
});
export type BundleManifest = z.infer<typeof BundleManifest>;

const Base64 = z.string().regex(/^[A-Za-z0-9+/]*={0,2}$/, 'must be base64');
const Finite = z.number().finite();

/** One trained intent model as `shared/nlu/serialize.ts` writes it (typed arrays as little-endian base64). */
const IntentModelV1Json = z.strictObject({
  format: z.literal('parley-intent-model'),
  version: z.literal(1),
  labels: z.array(z.string().min(1).max(200)).min(1),
  oosLabel: z.string().min(1).max(200).nullable(),
  features: z.strictObject({
    charMin: z.number().int().min(0).max(20),
    charMax: z.number().int().min(0).max(20),
    wordMax: z.number().int().min(0).max(10),
    wordWeight: Finite,
    charSpan: z.enum(['word', 'text']),
    sublinearTf: z.boolean(),
    minDf: z.number().int().min(0),
  }),
  keys: Base64,
  idf: Base64,
  unknownIdf: Finite,
  weights: Base64,
  bias: Base64,
  temperature: Finite,
  threshold: Finite,
  trainedOn: z.number().int().min(0),
  calibratedOn: z.number().int().min(0),
});
/** Version 2 adds the combined out-of-scope score (shared/nlu/scope.ts); bundles with version-1 models still load. */
export const IntentModelJson = z.discriminatedUnion('version', [
  IntentModelV1Json,
  IntentModelV1Json.extend({
    version: z.literal(2),
    scope: z.strictObject({
      words: z.strictObject({ offsets: Base64, keys: Base64, counts: Base64 }),
      weights: z.array(Finite).length(4),
      threshold: Finite,
      hiddenIntents: z.array(z.string().min(1).max(200)),
    }),
  }),
]);
export type IntentModelJson = z.infer<typeof IntentModelJson>;

/** `nlu/models.json`: the intent model of each locale with examples, in training order (the first is the fallback). */
export const NluModelsFile = z.strictObject({
  format: z.literal('parley-nlu-models'),
  formatVersion: z.literal(1),
  models: z
    .array(z.strictObject({ locale: Locale, model: IntentModelJson }))
    .refine((m) => new Set(m.map((x) => x.locale)).size === m.length, 'lists a locale twice'),
});
export type NluModelsFile = z.infer<typeof NluModelsFile>;

/** `knowledge.json`: the knowledge documents, by file name under knowledge/. */
export const KnowledgeFile = z.strictObject({
  format: z.literal('parley-knowledge'),
  formatVersion: z.literal(1),
  docs: z.array(z.strictObject({ source: z.string().min(1).max(300), text: z.string() })),
});
export type KnowledgeFile = z.infer<typeof KnowledgeFile>;

/** One line of copy (or its variants, one of which is said). */
export const CopyLine = z.union([z.string(), z.array(z.string()).min(1)]);

/** `copy/<locale>.json`: every line the bot can say in that locale, by copy id (as engine outputs carry it). */
export const CopyFile = z.strictObject({
  format: z.literal('parley-copy'),
  formatVersion: z.literal(1),
  locale: Locale,
  copy: z.record(z.string().min(1).max(300), CopyLine),
});
export type CopyFile = z.infer<typeof CopyFile>;
