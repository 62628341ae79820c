// What the Problems panel and a rename need that the first screen does not: the validator (with the expression
// language, jexl and RE2), the story reader (YAML) and the story rewriter. checks.ts loads this module on its own.
export { createIncrementalValidator } from '../../../shared/project/validateIncremental';
export { renameNodeInStory } from '../../../shared/stories/rename';
export { createStoryChecker, storyFileProblems } from './storyChecks';
export { namesHolidayCountry } from '../../../shared/engine/calendarChecks';

/** The holiday data's region check (about 2 MB of code), loaded only for a project whose business hours name a country. */
export const loadHolidayRegion = () => import('../../../shared/engine/holidays').then((m) => m.knownHolidayRegion);
export { checkByCopyId, checksWords, wordChecksOf } from '../../../shared/stories/wordChecks';
