import { describe, expect, it } from 'vitest';
import { demoSnapshot, FakeApi, loadedStudio, rev, settle } from './studioFakes';

/** A fake whose `project.reload` answers only when the test lets it. */
function gatedApi() {
  const snapshot = demoSnapshot();
  const gates: (() => void)[] = [];
  const api = new FakeApi(snapshot, {
    'project.reload': () => new Promise((resolve) => gates.push(() => resolve(snapshot))),
  });
  const open = async () => {
    while (gates.length) gates.shift()!();
    await settle();
  };
  return { api, open };
}

const manifestWritten = { file: 'parley.yaml', revision: rev(0x77), problems: [] };

describe('reloading the project after the source view wrote parley.yaml', () => {
  it('shares the reload that main’s announcement of the write started', async () => {
    const { api, open } = gatedApi();
    const studio = await loadedStudio(api);
    const mark = studio.markWrite();
    api.emit('project.fileChanged', manifestWritten); // the announcement, before the write's answer
    const after = studio.reloadProject(mark);
    await open();
    await after;
    expect(api.inputsOf('project.reload')).toHaveLength(1);
  });

  it('needs none when that reload has already been taken in', async () => {
    const { api, open } = gatedApi();
    const studio = await loadedStudio(api);
    const mark = studio.markWrite();
    api.emit('project.fileChanged', manifestWritten);
    await open();
    await studio.reloadProject(mark);
    expect(api.inputsOf('project.reload')).toHaveLength(1);
  });

  it('does not share a reload that started before the write, nor one asked for without a mark', async () => {
    const { api, open } = gatedApi();
    const studio = await loadedStudio(api);
    api.emit('project.fileChanged', manifestWritten); // an earlier change elsewhere: may not include the write
    const mark = studio.markWrite();
    const after = studio.reloadProject(mark);
    await open();
    await after;
    expect(api.inputsOf('project.reload')).toHaveLength(2);
    const plain = studio.reloadProject();
    await open();
    await plain;
    expect(api.inputsOf('project.reload')).toHaveLength(3);
  });
});
