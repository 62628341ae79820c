// A story's A/B variants. A story may pin some (`setup.variants: { flow/node: id }`); every other node with
// variants gets the variant a runtime gives a conversation seeded with the story's seed (`story:<file>`), so a
// story gets the same variants on every run, in the studio, in `parley test` and on a target (`--target`):
//   - locally (`runStory`) the conversation starts with the story's seed and its pins forced, and the engine
//     assigns the rest as a runtime assigns a conversation with that id (shared/engine/variants.ts);
//   - a runtime seeds a conversation by its own id, which a client does not choose, so the remote runner sends
//     every pick, pinned or computed here with the same assignment, as forced picks (`storyVariantPicks`).
import type { Engine } from '../engine/engine';
import { assignVariant, experiments } from '../engine/variants';
import type { Story } from './schema';

/** What the story's unpinned variants are assigned from: the same for every run of the story. */
export const storySeed = (file: string): string => `story:${file}`;

/** The variants the story pins (`flow/node` → variant id); empty when it pins none. */
export const storyPins = (story: Story): Record<string, string> => ({ ...story.setup?.variants });

/**
 * The variant of every node with variants for a run of the story in `file`: its pin, else the one a conversation
 * seeded with `storySeed(file)` is assigned (what `runStory` gets). Empty when the project has no experiment.
 */
export function storyVariantPicks(engine: Engine, file: string, story: Story): Record<string, string> {
  const pins = storyPins(story);
  const seed = storySeed(file);
  const out: Record<string, string> = {};
  for (const e of experiments(engine)) {
    const id = pins[e.key] ?? assignVariant(seed, e.key, e.variants)?.id;
    if (id !== undefined) out[e.key] = id;
  }
  return out;
}
