// The dialogue engine. `runTurn(engine, state, input, ports)` takes the session state and one user input and
// returns the bot's outputs, the new state and a trace. It is pure apart from its ports: every effect (LLM,
// retrieval, HTTP, guardrails, agent availability) is a value the turn yields and a driver fulfils, so the
// same code runs in the studio, the story runner and exported bundles, and a rule-only turn never awaits.
//
// The code is in engine/: compile.ts (the compiled project), state.ts (a fresh session), turn.ts (one turn's
// context), hear.ts / intents.ts / answers.ts / slots.ts (hearing an input), runNodes.ts and nodes/ (running
// nodes, one file per kind or family), drivers.ts (runTurn, runTurnSync, effects fulfilled by the ports).
export { createEngine, type Engine, type EngineOptions, type SlotExtractor } from './engine/compile';
export { runTurn, runTurnSync, type EnginePorts } from './engine/drivers';
export { initialState } from './engine/state';
