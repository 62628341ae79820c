// The engine for a project as main runs it (simulator sessions, the story runner; both run it through the
// runtime core's turn runner, shared/runtime/turnRunner.ts): the embedded NLU trained on nlu.yaml, slot
// extraction with the project's entities, and the knowledge/*.md files in the knowledge index (knowledgeIndex.ts:
// read through the path helper, confined to the project and within the size limits; persisted in the user's cache;
// the ports take it from main/runtime/projectPorts.ts).
import { createEngine, type Engine, type EngineOptions } from '../../shared/engine/engine';
import { LRUCache } from 'lru-cache';
import type { RetrievalPort } from '../../shared/engine/ports';
import { extractSlotValue } from '../../shared/nlu/entities';
import { buildProjectNlu } from '../../shared/nlu/project';
import { DEFAULT_FILE_LIMITS, type FileLimits } from '../../shared/project/files';
import type { ProjectModel } from '../../shared/project/validate';
import type { NluFile } from '../../shared/schema/project';
import { knowledgeIndexFor } from './knowledgeIndex';

/** NLU models are cached by the text of nlu.yaml: training takes milliseconds, but not every turn. */
const nluCache = new LRUCache<string, ReturnType<typeof buildProjectNlu>>({ max: 8 });

export function projectNlu(nlu: NluFile) {
  const key = JSON.stringify(nlu);
  let hit = nluCache.get(key);
  if (!hit) {
    nluCache.set(key, (hit = buildProjectNlu(nlu)));
  }
  return hit;
}

export function createProjectEngine(model: ProjectModel, options: Omit<EngineOptions, 'nlu' | 'extractSlot'> = {}): Engine {
  const entities = model.nlu.entities ?? [];
  return createEngine(model, {
    ...options,
    nlu: projectNlu(model.nlu),
    extractSlot: (type, text, ctx) => extractSlotValue(type, text, { entities, ...ctx }),
  });
}

/** The project's knowledge files in its search index (main/services/knowledgeIndex.ts), updated when a file changes. */
export async function projectKnowledge(dir: string, limits: FileLimits = DEFAULT_FILE_LIMITS): Promise<RetrievalPort> {
  return knowledgeIndexFor(dir, { limits });
}
