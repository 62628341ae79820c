// Embedded NLU (no network): intent classification, calibration, entity extraction and the project's NluPort.
export { trainIntentModel, loadIntentModel, IntentModel, DEFAULT_CLASSIFIER_SVM } from './classifier';
export type { IntentExample, IntentModelData, IntentPrediction, TrainIntentOptions } from './classifier';
export { expectedCalibrationError, fitTemperature } from './calibration';
export { extractEntities, extractSlotValue, BUILTIN_ENTITIES } from './entities';
export type { AmountValue, EntityContext, SlotResult } from './entities';
export { buildProjectNlu, decideIntent, DEFAULT_ACCEPT, DEFAULT_CLARIFY } from './project';
export type { IntentDecision, ProjectNlu, ProjectNluOptions } from './project';
export { serializeIntentModel, deserializeIntentModel } from './serialize';
export { evaluateModel, trainAndEvaluate, scorePredictions } from './evaluate';
export type { EvaluationReport, EvaluationDetail, LabelledText } from './evaluate';
export { parseCsv, readLabelledCsv, CsvError } from './csv';
