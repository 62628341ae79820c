// Reading a bundle's files once their bytes are known to match the signed manifest: every JSON file is parsed
// and checked against its schema, and anything wrong throws a BundleError naming the file and the field.
// Pure: the caller (main/export/verify.ts) reads the files, checks the hashes and the signature.
import { GuardrailsFile } from '../schema/guardrails';
import type { z } from 'zod';
import type { IntentModel } from '../nlu/classifier';
import type { ProjectNlu } from '../nlu/project';
import { deserializeIntentModel } from '../nlu/serialize';
import { fieldPath } from '../project/problems';
import type { ProjectModel } from '../project/validate';
import { Id, SCHEMA_VERSION } from '../schema/common';
import { Flow, NluFile, ProjectManifest } from '../schema/project';
import type { CopyDeck } from './copy';
import { nluFromModels } from './nlu';
import {
  CopyFile,
  KNOWLEDGE_FILE,
  KnowledgeFile,
  NLU_MODELS_FILE,
  NluModelsFile,
  PROJECT_MANIFEST_FILE,
  PROJECT_GUARDRAILS_FILE,
  PROJECT_NLU_FILE,
  copyFileOf,
  flowIdOfFile,
  type BundleManifest,
} from './schema';

/** A bundle that cannot be used: `file` and `field` say where (field empty for the whole file). */
export class BundleError extends Error {
  constructor(
    readonly file: string,
    readonly field: string,
    readonly detail: string,
  ) {
    super(field ? `${file}: ${field}: ${detail}` : `${file}: ${detail}`);
    this.name = 'BundleError';
  }
}

export interface LoadedBundle {
  manifest: BundleManifest;
  /** The compiled project, as createEngine takes it. */
  project: ProjectModel;
  /** The trained NLU (ready to parse; nothing is trained). */
  nlu: ProjectNlu;
  /** The knowledge documents, for createKnowledgeIndex. */
  knowledge: { source: string; text: string }[];
  /** The copy deck of each of the project's locales. */
  copy: Record<string, CopyDeck>;
}

/** Parses `text` as JSON and checks it against `schema`; a failure names the file and the first bad field. */
export function parseBundleJson<S extends z.ZodType>(file: string, text: string, schema: S): z.infer<S> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new BundleError(file, '', `not valid JSON (${(e as Error).message})`);
  }
  const r = schema.safeParse(value);
  if (!r.success) {
    const issue = r.error.issues[0]!;
    throw new BundleError(file, fieldPath(issue.path), issue.message);
  }
  return r.data;
}

/**
 * The bundle from its manifest and the text of its files (path → UTF-8 text; the manifest's hashes already
 * checked). Throws BundleError on a missing or invalid file.
 */
export function parseBundle(manifest: BundleManifest, texts: ReadonlyMap<string, string>): LoadedBundle {
  const text = (file: string): string => {
    const t = texts.get(file);
    if (t === undefined) throw new BundleError(file, '', 'missing from the bundle');
    return t;
  };
  const settings = parseBundleJson(PROJECT_MANIFEST_FILE, text(PROJECT_MANIFEST_FILE), ProjectManifest);
  if (settings.schema !== manifest.schemaVersion) {
    throw new BundleError(PROJECT_MANIFEST_FILE, 'schema', `is ${settings.schema}, but the manifest says schemaVersion ${manifest.schemaVersion}`);
  }
  if (settings.schema > SCHEMA_VERSION) {
    throw new BundleError(PROJECT_MANIFEST_FILE, 'schema', `the bundle needs project format ${settings.schema}; this runtime reads up to ${SCHEMA_VERSION}`);
  }
  const nluFile = parseBundleJson(PROJECT_NLU_FILE, text(PROJECT_NLU_FILE), NluFile);
  const flows: ProjectModel['flows'] = {};
  for (const file of Object.keys(manifest.files).sort()) {
    const id = flowIdOfFile(file);
    if (id === undefined) continue;
    if (!Id.safeParse(id).success) throw new BundleError(file, '', 'a flow file name must be a lower_snake_case id followed by .json');
    flows[id] = parseBundleJson(file, text(file), Flow);
  }
  if (!flows[settings.startFlow]) throw new BundleError(PROJECT_MANIFEST_FILE, 'startFlow', `flow "${settings.startFlow}" is not in the bundle`);
  const project: ProjectModel = { manifest: settings, nlu: nluFile, flows };
  // optional: a project without guardrails.yaml (or a bundle exported before it) runs with the default rules
  if (Object.hasOwn(manifest.files, PROJECT_GUARDRAILS_FILE))
    project.guardrails = parseBundleJson(PROJECT_GUARDRAILS_FILE, text(PROJECT_GUARDRAILS_FILE), GuardrailsFile);

  const modelsFile = parseBundleJson(NLU_MODELS_FILE, text(NLU_MODELS_FILE), NluModelsFile);
  const models: { locale: string; model: IntentModel }[] = modelsFile.models.map((m, i) => {
    try {
      return { locale: m.locale, model: deserializeIntentModel(JSON.stringify(m.model)) };
    } catch (e) {
      throw new BundleError(NLU_MODELS_FILE, `models[${i}].model`, (e as Error).message);
    }
  });

  const knowledge = parseBundleJson(KNOWLEDGE_FILE, text(KNOWLEDGE_FILE), KnowledgeFile).docs;
  const copy: Record<string, CopyDeck> = {};
  for (const locale of settings.locales) {
    const file = copyFileOf(locale);
    const deck = parseBundleJson(file, text(file), CopyFile);
    if (deck.locale !== locale) throw new BundleError(file, 'locale', `is "${deck.locale}", expected "${locale}"`);
    copy[locale] = deck.copy;
  }
  return { manifest, project, nlu: nluFromModels(models, nluFile), knowledge, copy };
}
