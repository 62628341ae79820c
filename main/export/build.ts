// The files of a bundle, in memory: the compiled project, the trained NLU, the knowledge, the copy of every
// locale, the deployment files, and the manifest with the SHA-256 of each. Deterministic: the same project,
// version and notes give the same bytes (canonical JSON, no timestamps, seeded training).
import { createHash } from 'node:crypto';
import { canonicalJson } from '../../shared/bundle/canonical';
import { copyDeck } from '../../shared/bundle/copy';
import {
  BUNDLE_FORMAT,
  BUNDLE_FORMAT_VERSION,
  BundleManifest,
  KNOWLEDGE_FILE,
  NLU_MODELS_FILE,
  PROJECT_MANIFEST_FILE,
  PROJECT_GUARDRAILS_FILE,
  PROJECT_NLU_FILE,
  SERVER_FILE,
  copyFileOf,
  flowFileOf,
  type KnowledgeFile,
  type NluModelsFile,
} from '../../shared/bundle/schema';
import { serializeIntentModel } from '../../shared/nlu/serialize';
import type { ProjectModel } from '../../shared/project/validate';
import type { Flow } from '../../shared/schema/project';
import { projectNlu } from '../services/projectEngine';
import { dockerCompose, dockerfile, haproxyCfg, readme } from './deployFiles';

export interface BundleInputs {
  model: ProjectModel;
  /** The knowledge documents (knowledge/*.md as readKnowledgeFiles reads them). */
  knowledge: { source: string; text: string }[];
  version: string;
  studioVersion: string;
  notes?: string;
  createdBy?: string;
  /** The runtime server (server.mjs, one file built with its dependencies); left out when not given. */
  server?: Uint8Array;
}

export interface BuiltBundle {
  manifest: BundleManifest;
  /** The exact bytes of manifest.json (what the signature covers). */
  manifestBytes: Buffer;
  /** Every file but manifest.json and manifest.sig, by bundle path. */
  files: Map<string, Buffer>;
}

export const sha256Hex = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

const json = (value: unknown): Buffer => Buffer.from(canonicalJson(value), 'utf8');

/** A flow as the engine needs it: the canvas layout (node positions, groups, viewport) is left out. */
function compiledFlow(flow: Flow): Flow {
  const { viewport: _v, groups: _g, ...rest } = flow;
  return { ...rest, nodes: flow.nodes.map(({ position: _p, ...node }) => node as Flow['nodes'][number]) };
}

function nluModels(model: ProjectModel): NluModelsFile {
  const nlu = projectNlu(model.nlu);
  return {
    format: 'parley-nlu-models',
    formatVersion: 1,
    models: nlu.locales.map((locale) => ({
      locale,
      model: JSON.parse(serializeIntentModel(nlu.modelFor(locale)!)) as NluModelsFile['models'][number]['model'],
    })),
  };
}

export function buildBundle(input: BundleInputs): BuiltBundle {
  const { model } = input;
  const files = new Map<string, Buffer>();
  files.set(PROJECT_MANIFEST_FILE, json(model.manifest));
  files.set(PROJECT_NLU_FILE, json(model.nlu));
  if (model.guardrails) files.set(PROJECT_GUARDRAILS_FILE, json(model.guardrails));
  for (const id of Object.keys(model.flows).sort()) files.set(flowFileOf(id), json(compiledFlow(model.flows[id]!)));
  files.set(NLU_MODELS_FILE, json(nluModels(model)));
  const knowledge: KnowledgeFile = { format: 'parley-knowledge', formatVersion: 1, docs: [...input.knowledge].sort((a, b) => (a.source < b.source ? -1 : 1)) };
  files.set(KNOWLEDGE_FILE, json(knowledge));
  for (const locale of model.manifest.locales) {
    files.set(copyFileOf(locale), json({ format: 'parley-copy', formatVersion: 1, locale, copy: copyDeck(model, locale) }));
  }
  if (input.server) files.set(SERVER_FILE, Buffer.from(input.server));

  const head = {
    format: BUNDLE_FORMAT,
    formatVersion: BUNDLE_FORMAT_VERSION,
    name: model.manifest.name,
    version: input.version,
    schemaVersion: model.manifest.schema,
    studioVersion: input.studioVersion,
    ...(input.createdBy ? { createdBy: input.createdBy } : {}),
    ...(input.notes ? { notes: input.notes } : {}),
  } as const;
  // The deployment files name the bundle and its version, so they are written before the hashes are taken.
  const described = { ...head, files: {} };
  files.set('Dockerfile', Buffer.from(dockerfile(head)));
  files.set('docker-compose.yml', Buffer.from(dockerCompose(head, model.manifest)));
  files.set('haproxy.cfg', Buffer.from(haproxyCfg(head)));
  files.set('README.md', Buffer.from(readme(described, model.manifest, Boolean(input.server))));

  const hashes: Record<string, string> = {};
  for (const [file, bytes] of files) hashes[file] = sha256Hex(bytes);
  // Parsed with the schema the runtime uses, so an exporter can never write a manifest a runtime refuses.
  const manifest = BundleManifest.parse({ ...head, files: hashes });
  return { manifest, manifestBytes: json(manifest), files };
}
