import { useShallow } from 'zustand/react/shallow';
import { useStudio } from '../../store/studioStore';
import type { Option } from '../controls';

// Shared by the kind editors: a stable empty list (so selectors don't re-render), select options from plain values,
// and the project's intent ids.
export const NO_STRINGS: string[] = [];
export const opts = (values: readonly string[]): Option[] => values.map((v) => ({ value: v, label: v }));

export function useIntentIds(): string[] {
  return useStudio(useShallow((s) => s.project?.nlu.intents.map((i) => i.id) ?? NO_STRINGS));
}
