import { createContext, useContext } from 'react';
import type { FlowNode } from '../../../shared/schema/nodes';
import { pathKey, type FieldIssue, type Path } from './nodeEdit';

/** What every control of the inspector needs: how to edit the node, and the issues of its fields. */
export interface NodeEditor {
  flowId: string;
  nodeId: string;
  /** Applies `fn` to the node as it is in the store now (never a stale copy), as one `editFlow` call. */
  edit(fn: (node: FlowNode) => FlowNode, coalesce?: string): void;
  /** Sets a field by path; `undefined` removes it. Typing in one field coalesces into one undo step. */
  set(path: Path, value: unknown, coalesce?: string | false): void;
  /** Ends the current undo step: leaving a field, then typing in it again, is a new step. */
  seal(): void;
  issues: ReadonlyMap<string, FieldIssue[]>;
  locales: readonly string[];
  defaultLocale: string;
}

export const EditorContext = createContext<NodeEditor | null>(null);

export function useEditor(): NodeEditor {
  const ctx = useContext(EditorContext);
  if (!ctx) throw new Error('inspector control outside a node editor');
  return ctx;
}

/** DOM id of the control of a field (the problems summary focuses it). */
export const controlId = (path: Path | string): string => `insp-${(typeof path === 'string' ? path : pathKey(path)).replace(/[^A-Za-z0-9_-]/g, '-') || 'node'}`;

/** Issues at exactly these paths (`pathKey` form). */
export function issuesAt(issues: ReadonlyMap<string, FieldIssue[]>, ...paths: string[]): FieldIssue[] {
  return paths.flatMap((p) => issues.get(p) ?? []);
}

/** The coalescing key of typing in a field: `field:<nodeId>.<path>`. */
export const fieldKey = (nodeId: string, path: Path): string => `field:${nodeId}.${pathKey(path)}`;
