// The sample project's card_lost flow for the renderer's unit tests, read through Vite's ?raw imports (the renderer
// has no Node, even in its tests) and loaded as the studio loads it.
import { loadProject } from '../../../shared/project/load';
import type { Flow } from '../../../shared/schema/project';
import manifestText from '../../../examples/acme-bank/parley.yaml?raw';
import nluText from '../../../examples/acme-bank/nlu.yaml?raw';
import cardLostText from '../../../examples/acme-bank/flows/card_lost.yaml?raw';

export function sampleCardLostFlow(): Flow {
  const res = loadProject({
    manifest: { file: 'parley.yaml', text: manifestText },
    nlu: { file: 'nlu.yaml', text: nluText },
    flows: [{ file: 'flows/card_lost.yaml', text: cardLostText }],
  });
  const flow = res.project?.flows.card_lost;
  if (!flow) throw new Error('sample flow card_lost did not load');
  return flow;
}
