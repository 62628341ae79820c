// zod schemas of the files of an exported Dialogflow CX agent (JSON package, API v3). The top level of each file
// is strict: a key this importer does not know is an error naming the file and the key (the format may have
// changed under it). Below the top level the objects are loose, and only the fields the importer reads are
// checked; what it does not map is listed in IMPORT.md.
import { z } from 'zod';

const str = z.string().max(100000);
const name = z.string().min(1).max(500);
const anyObj = z.looseObject({});
const settings = z.unknown();

export const Message = z.looseObject({
  text: z.looseObject({ text: z.array(str).optional() }).optional(),
  payload: z.record(z.string(), z.unknown()).optional(),
  languageCode: z.string().max(40).optional(),
  liveAgentHandoff: anyObj.optional(),
  conversationSuccess: anyObj.optional(),
  endInteraction: anyObj.optional(),
  outputAudioText: anyObj.optional(),
  playAudio: anyObj.optional(),
  telephonyTransferCall: anyObj.optional(),
  knowledgeInfoCard: anyObj.optional(),
});
export type Message = z.infer<typeof Message>;

export const SetParameter = z.looseObject({ parameter: name, value: z.unknown().optional() });

export interface CaseContent {
  message?: Message;
  additionalCases?: { cases?: Case[] };
}
export interface Case {
  condition?: string;
  caseContent?: CaseContent[];
}
const CaseSchema: z.ZodType<Case> = z.lazy(() =>
  z.looseObject({
    condition: str.optional(),
    caseContent: z
      .array(z.looseObject({ message: Message.optional(), additionalCases: z.looseObject({ cases: z.array(CaseSchema).optional() }).optional() }))
      .optional(),
  }),
);

export const Fulfillment = z.looseObject({
  messages: z.array(Message).optional(),
  webhook: name.optional(),
  tag: z.string().max(500).optional(),
  returnPartialResponses: z.boolean().optional(),
  setParameterActions: z.array(SetParameter).optional(),
  conditionalCases: z.array(z.looseObject({ cases: z.array(CaseSchema).optional() })).optional(),
  generators: z.array(anyObj).optional(),
  enableGenerativeFallback: z.boolean().optional(),
  advancedSettings: settings.optional(),
});
export type Fulfillment = z.infer<typeof Fulfillment>;

export const Route = z.looseObject({
  intent: name.optional(),
  condition: str.optional(),
  triggerFulfillment: Fulfillment.optional(),
  targetPage: name.optional(),
  targetFlow: name.optional(),
  targetPlaybook: name.optional(),
  name: z.string().optional(),
  description: z.string().optional(),
});
export type Route = z.infer<typeof Route>;

export const EventHandler = z.looseObject({
  event: name,
  triggerFulfillment: Fulfillment.optional(),
  targetPage: name.optional(),
  targetFlow: name.optional(),
  targetPlaybook: name.optional(),
  name: z.string().optional(),
});
export type EventHandler = z.infer<typeof EventHandler>;

export const FormParameter = z.looseObject({
  displayName: name,
  required: z.boolean().optional(),
  entityType: name.optional(),
  isList: z.boolean().optional(),
  fillBehavior: z.looseObject({ initialPromptFulfillment: Fulfillment.optional(), repromptEventHandlers: z.array(EventHandler).optional() }).optional(),
  defaultValue: z.unknown().optional(),
  redact: z.boolean().optional(),
  advancedSettings: settings.optional(),
});
export type FormParameter = z.infer<typeof FormParameter>;

export const Agent = z.strictObject({
  name: z.string().optional(),
  displayName: z.string().max(500).optional(),
  defaultLanguageCode: z.string().max(40),
  supportedLanguageCodes: z.array(z.string().max(40)).optional(),
  timeZone: z.string().optional(),
  description: z.string().optional(),
  avatarUri: z.string().optional(),
  startFlow: z.string().optional(),
  startPlaybook: z.string().optional(),
  securitySettings: settings.optional(),
  enableStackdriverLogging: z.boolean().optional(),
  enableLogging: z.boolean().optional(),
  enableSpellCorrection: z.boolean().optional(),
  enableMultiLanguageTraining: z.boolean().optional(),
  locked: z.boolean().optional(),
  projectNumber: z.union([z.number(), z.string()]).optional(),
  speechToTextSettings: settings.optional(),
  textToSpeechSettings: settings.optional(),
  speakerIdSettings: settings.optional(),
  advancedSettings: settings.optional(),
  gitIntegrationSettings: settings.optional(),
  bigqueryExportSettings: settings.optional(),
  genAppBuilderSettings: settings.optional(),
  answerFeedbackSettings: settings.optional(),
  personalizationSettings: settings.optional(),
  clientCertificateSettings: settings.optional(),
  duplexSettings: settings.optional(),
  intentSuggestionSettings: settings.optional(),
  webClientSettings: settings.optional(),
  satisfiesPzs: z.boolean().optional(),
  satisfiesPzi: z.boolean().optional(),
});
export type Agent = z.infer<typeof Agent>;

export const Flow = z.strictObject({
  name: z.string().optional(),
  displayName: name,
  description: z.string().optional(),
  transitionRoutes: z.array(Route).optional(),
  eventHandlers: z.array(EventHandler).optional(),
  transitionRouteGroups: z.array(name).optional(),
  nluSettings: settings.optional(),
  nluSettingsList: settings.optional(),
  advancedSettings: settings.optional(),
  knowledgeConnectorSettings: settings.optional(),
  multiLanguageSettings: settings.optional(),
  inputParameterDefinitions: settings.optional(),
  outputParameterDefinitions: settings.optional(),
  locked: z.boolean().optional(),
});
export type Flow = z.infer<typeof Flow>;

export const Page = z.strictObject({
  name: z.string().optional(),
  displayName: name,
  description: z.string().optional(),
  entryFulfillment: Fulfillment.optional(),
  form: z.looseObject({ parameters: z.array(FormParameter).optional() }).optional(),
  transitionRouteGroups: z.array(name).optional(),
  transitionRoutes: z.array(Route).optional(),
  eventHandlers: z.array(EventHandler).optional(),
  advancedSettings: settings.optional(),
  knowledgeConnectorSettings: settings.optional(),
});
export type Page = z.infer<typeof Page>;

export const RouteGroup = z.strictObject({ name: z.string().optional(), displayName: name, transitionRoutes: z.array(Route).optional() });
export type RouteGroup = z.infer<typeof RouteGroup>;

export const Intent = z.strictObject({
  name: z.string().optional(),
  displayName: name,
  description: z.string().optional(),
  priority: z.number().optional(),
  isFallback: z.boolean().optional(),
  labels: z.union([z.record(z.string(), z.string()), z.array(z.unknown())]).optional(),
  parameters: z.array(z.looseObject({ id: name, entityType: name.optional(), isList: z.boolean().optional(), redact: z.boolean().optional() })).optional(),
  numTrainingPhrases: z.number().optional(),
  skipAutoAnnotation: z.boolean().optional(),
  dtmfPattern: z.string().optional(),
  trainingPhrases: z.unknown().optional(),
});
export type Intent = z.infer<typeof Intent>;

export const TrainingPhrases = z.strictObject({
  trainingPhrases: z.array(
    z.looseObject({
      parts: z.array(z.looseObject({ text: z.string().max(10000), parameterId: z.string().optional(), auto: z.boolean().optional() })),
      repeatCount: z.number().optional(),
      languageCode: z.string().optional(),
      id: z.string().optional(),
    }),
  ),
});

export const EntityType = z.strictObject({
  name: z.string().optional(),
  displayName: name,
  kind: z.enum(['KIND_MAP', 'KIND_LIST', 'KIND_REGEXP', 'KIND_UNSPECIFIED']),
  autoExpansionMode: z.string().optional(),
  enableFuzzyExtraction: z.boolean().optional(),
  redact: z.boolean().optional(),
  entities: z.unknown().optional(),
  excludedPhrases: z.unknown().optional(),
});
export type EntityType = z.infer<typeof EntityType>;

export const Entities = z.strictObject({
  entities: z.array(z.looseObject({ value: z.string().max(10000), synonyms: z.array(z.string().max(10000)).optional(), languageCode: z.string().optional() })),
});
export type Entities = z.infer<typeof Entities>;

export const ExcludedPhrases = z.strictObject({ excludedPhrases: z.array(z.looseObject({ value: z.string() })) });

export const Webhook = z.strictObject({
  name: z.string().optional(),
  displayName: name,
  genericWebService: z
    .looseObject({
      uri: z.string().max(2000),
      httpMethod: z.string().optional(),
      webhookType: z.string().optional(),
      requestBody: z.string().optional(),
      parameterMapping: z.union([z.record(z.string(), z.string()), z.array(z.looseObject({ key: z.string(), value: z.string() }))]).optional(),
      requestHeaders: z.unknown().optional(),
    })
    .optional(),
  serviceDirectory: settings.optional(),
  timeout: settings.optional(),
  disabled: z.boolean().optional(),
});
export type Webhook = z.infer<typeof Webhook>;

const TurnInput = z.looseObject({
  input: z
    .looseObject({
      text: z.looseObject({ text: z.string().max(10000) }).optional(),
      event: z.looseObject({ event: z.string() }).optional(),
      dtmf: anyObj.optional(),
      languageCode: z.string().optional(),
    })
    .optional(),
  injectedParameters: z.record(z.string(), z.unknown()).optional(),
  isWebhookEnabled: z.boolean().optional(),
});
const TurnOutput = z.looseObject({
  triggeredIntent: z.looseObject({ name: z.string() }).optional(),
  currentPage: z.looseObject({ name: z.string(), flow: z.string().optional() }).optional(),
  textResponses: z.array(z.looseObject({ text: z.array(z.string()).optional() })).optional(),
  sessionParameters: z.record(z.string(), z.unknown()).optional(),
});

export const TestCase = z.strictObject({
  name: z.string().optional(),
  displayName: name,
  tags: z.array(z.string()).optional(),
  notes: z.string().optional(),
  testConfig: settings.optional(),
  testCaseConversationTurns: z.array(z.looseObject({ userInput: TurnInput.optional(), virtualAgentOutput: TurnOutput.optional() })).optional(),
  creationTime: settings.optional(),
  lastTestResult: settings.optional(),
});
export type TestCase = z.infer<typeof TestCase>;
