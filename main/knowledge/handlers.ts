// The knowledge panel's contract methods (shared/api/knowledge.ts), served to both hosts through the one handler
// table (main/services/mainServices.ts): documents with their age, search with the project's knowledge index
// (main/services/knowledgeIndex.ts, the one the simulator and stories use), import, reading a document, and the
// questions that went unanswered in the simulator and the last story runs.
import { ApiError } from '../../shared/api/errors';
import type { Handlers } from '../../shared/api/contract';
import type { FileLimits } from '../../shared/project/files';
import { knowledgeIndexFor } from '../services/knowledgeIndex';
import { listDocuments, readDocument } from './documents';
import { importDocuments } from './importer';
import { unansweredQuestions, type RetrievalMiss } from './unanswered';

export type KnowledgeMethod = 'knowledge.list' | 'knowledge.search' | 'knowledge.import' | 'knowledge.read' | 'knowledge.unanswered';

export interface KnowledgeHandlerOptions {
  /** The open project's folder (throws NO_PROJECT when none is). */
  dir: () => string;
  /** Refuses a write for a project that is no longer the open one (CONFLICT). */
  sameProject: (project: string) => void;
  limits: FileLimits;
  /** Not-sure answers of knowledge nodes: the simulator's open conversations and the last run of each story. */
  misses: () => RetrievalMiss[];
}

export function createKnowledgeHandlers(o: KnowledgeHandlerOptions): Pick<Handlers, KnowledgeMethod> {
  const index = () => knowledgeIndexFor(o.dir(), { limits: o.limits });
  return {
    'knowledge.list': async ({ staleAfterDays }) => {
      const dir = o.dir();
      const listed = await listDocuments(dir, {
        limits: o.limits,
        ...(staleAfterDays ? { staleAfterDays } : {}),
        // the panel opens at once; it asks again while the dates from git are read
        gitWaitMs: 300,
        chunks: async () => new Map((await index()).docs.map((d) => [d.source, d.chunks])),
      });
      return listed;
    },
    'knowledge.search': async ({ query, limit }) => {
      const kb = await index();
      const hits = kb.search(query, { sources: [], limit: limit ?? 5 });
      return {
        hits: hits.map(({ source, text, score, id, heading, start, end }) => ({ source, text, score, id, heading, start, end })),
        minScore: kb.minScore,
      };
    },
    'knowledge.import': async ({ project, files, replace }) => {
      o.sameProject(project);
      const dir = o.dir();
      const decoded = files.map((f) => ({ name: f.name, bytes: Buffer.from(f.data, 'base64') }));
      const results = await importDocuments(dir, decoded, { limits: o.limits, ...(replace ? { replace: true } : {}) });
      return { results };
    },
    'knowledge.read': async ({ source }) => readDocument(o.dir(), source, o.limits),
    'knowledge.unanswered': async () => ({ questions: unansweredQuestions(o.misses()) }),
  };
}

/** For `dir`: the open project's folder, or NO_PROJECT. */
export function requireDir(dir: string | undefined): string {
  if (!dir) throw new ApiError('NO_PROJECT', 'no project is open');
  return dir;
}
