// Two sends to one simulator session at once: the later one follows the turn that ended meanwhile (or cancels
// the one still in flight); it never runs from a stale state and forks the conversation.
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { EventPayload } from '../../shared/api/contract';
import type { SessionState } from '../../shared/engine/types';
import { copySample } from '../../test/fixtures/tinyProject';
import { createMainServices, type MainServices } from './mainServices';

let services: MainServices | undefined;

afterEach(async () => {
  await services?.dispose();
  services = undefined;
});

describe('simulator sessions under concurrent sends', () => {
  it('a send made while a turn ends follows that turn', async () => {
    const dir = copySample();
    services = await createMainServices({
      mode: 'web',
      projectDir: dir,
      userDataDir: mkdtempSync(path.join(os.tmpdir(), 'parley-simc-ud-')),
      watch: false,
      env: {},
      credentialsFile: path.join(mkdtempSync(path.join(os.tmpdir(), 'parley-simc-cfg-')), 'credentials.json'),
    });
    const h = services.handlers;
    const wizard: EventPayload<'simulator.wizard'>[] = [];
    services.bus.subscribe((event, payload) => {
      if (event === 'simulator.wizard') wizard.push(payload as EventPayload<'simulator.wizard'>);
    });
    const { sessionId } = await h['simulator.start']({ project: dir, wizard: true });

    // turn 2 waits for the designer's reply; turn 3 is sent, and the reply arrives while turn 3 gets ready
    const second = h['simulator.send']({ sessionId, input: { type: 'text', text: 'what are your opening hours' } });
    await expect.poll(() => wizard.length).toBe(1);
    const third = h['simulator.send']({ sessionId, input: { type: 'text', text: 'thanks, bye' } });
    await h['simulator.wizardReply']({ sessionId, requestId: wizard[0]!.requestId, text: 'We open at nine.' });
    await second;
    await third;

    // the conversation's states are whole session states (the contract shows a part of them)
    const states = services.simulator.conversation(sessionId).turns.map((t) => t.state as unknown as SessionState);
    expect(states.map((s) => s.turn)).toEqual([1, 2, 3]);
    // the third turn's transcript has the second turn in it
    expect(states[2]!.transcript.map((t) => t.text)).toContain('We open at nine.');
  });
});
