// A child process for the kill -9 test: saves an ever-growing counter as fast as it can until killed.
import { JsonFileStateStore } from '../../src/state/json-file-state-store.ts';
import type { ServiceState } from '../../src/state/job-state.ts';

const file = process.argv[2];
if (!file) throw new Error('usage: save-in-loop.ts STATE_FILE');
const store = new JsonFileStateStore(file, { coalesceMs: 0 });
const { state, warning } = await store.load();
if (warning) throw new Error(warning);
let counter = state.jobs['counter']?.failures ?? 0;
const padding: ServiceState['jobs'] = {};
for (let i = 0; i < 300; i++) padding[`job-${i}`] = { failures: i, lastSlotAt: Date.now(), nextDueAt: Date.now() };
process.stdout.write('ready\n');
for (;;) {
  counter++;
  store.save({ version: 1, jobs: { ...padding, counter: { failures: counter } } });
  await store.flush();
}
