import * as monaco from 'monaco-editor/esm/vs/editor/editor.api.js';
import 'monaco-editor/esm/vs/basic-languages/yaml/yaml.contribution.js';
import EditorWorker from 'monaco-editor/esm/vs/editor/editor.worker.js?worker';
import { configureMonacoYaml, type JSONSchema, type MonacoYaml } from 'monaco-yaml';
import YamlWorker from 'monaco-yaml/yaml.worker.js?worker';
import { FLOW_SCHEMA_URI, flowJsonSchema } from '../../../shared/schema/jsonSchema';

/**
 * Monaco for the source view: the editor worker, and the YAML language service (monaco-yaml) with the JSON
 * Schema of a flow file generated from the zod schema, for markers, completion and hover in flow files.
 *
 * Both workers are bundled files of this app (`new Worker` on a same-origin URL), so they run under the CSP's
 * `worker-src 'self' blob:` with no eval.
 */

type WorkerFactory = (moduleId: string, label: string) => Worker;
const getWorker: WorkerFactory = (_moduleId, label) => (label === 'yaml' ? new YamlWorker() : new EditorWorker());
(self as unknown as { MonacoEnvironment: monaco.Environment }).MonacoEnvironment = { getWorker };

/** Every project file is shown in a model at `file:///parley/<mode>/<project-relative path>`. */
export const modelUri = (mode: 'flow' | 'disk', file: string): monaco.Uri => monaco.Uri.parse(`file:///parley/${mode}/${file}`);

interface LegacyWorkerOptions {
  moduleId?: string;
  label?: string;
  createData?: unknown;
  host?: Record<string, (...args: unknown[]) => unknown>;
  keepIdleModels?: boolean;
}

/**
 * monaco-yaml 5 asks `monaco.editor.createWebWorker` for a worker by `moduleId`/`label`/`createData`, as Monaco
 * did before 0.53. Monaco 0.55 wants the Worker itself, and no longer sends `createData`. This adapter does
 * what Monaco's own language workers do (`vs/common/workers.js`): make the worker through MonacoEnvironment,
 * then post the two messages the worker's `initialize` expects (a wake-up, then `createData`).
 */
function createLegacyWebWorker(opts: LegacyWorkerOptions) {
  const worker = Promise.resolve(getWorker(opts.moduleId ?? 'workerMain.js', opts.label ?? 'monaco-editor-worker')).then((w) => {
    w.postMessage('ignore');
    w.postMessage(opts.createData);
    return w;
  });
  return monaco.editor.createWebWorker({ worker, ...(opts.host ? { host: opts.host } : {}), ...(opts.keepIdleModels ? { keepIdleModels: true } : {}) });
}

let yaml: MonacoYaml | undefined;

/** Configures the YAML language service once per page (idempotent). */
export function setUpYaml(): void {
  if (yaml) return;
  const api = { ...monaco, editor: { ...monaco.editor, createWebWorker: createLegacyWebWorker } };
  yaml = configureMonacoYaml(api as unknown as Parameters<typeof configureMonacoYaml>[0], {
    enableSchemaRequest: false,
    validate: true,
    completion: true,
    hover: true,
    // Flows are written in the serializer's canonical form; the YAML formatter would only fight it.
    format: { enable: false },
    schemas: [{ uri: FLOW_SCHEMA_URI, fileMatch: ['flows/*.yaml'], schema: flowJsonSchema() as JSONSchema }],
  });
}

export { monaco };
