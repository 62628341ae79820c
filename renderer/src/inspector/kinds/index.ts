// The Inspector's per-kind editors: the Copy section (what the bot says) and the Behaviour section (everything else).
export { CopyFields, copyRoots, hasCopy } from './CopyFields';
export { BehaviourFields, hasBehaviour } from './BehaviourFields';
