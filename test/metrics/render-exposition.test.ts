// renderExposition gives the event loop back between slices; the text does not depend on where the slices fall.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { JobSeries } from '../../src/metrics/job-series.ts';
import { renderExposition } from '../../src/metrics/render-exposition.ts';

function manySeries(count: number): JobSeries[] {
  return Array.from({ length: count }, (_, i) => {
    const series = new JobSeries(`job-${i}`);
    series.runs[0] = i;
    series.nextRunS = 1_795_507_200 + i;
    if (i % 3 === 0) series.observeDuration(i / 100);
    if (i % 5 === 0) series.observeLateness(i / 1000);
    return series;
  });
}

test('a render lets other callbacks run between slices, and slicing does not change the text', async () => {
  const series = manySeries(1000);
  const whole = await renderExposition({ jobs: 1000, invalidJobFolders: 2, series, maxSliceMs: Infinity });
  let turns = 0;
  let rendering = true;
  const countTurns = (): void => {
    turns++;
    if (rendering) setImmediate(countTurns);
  };
  setImmediate(countTurns);
  const sliced = await renderExposition({ jobs: 1000, invalidJobFolders: 2, series, maxSliceMs: 0 });
  rendering = false;
  assert.equal(sliced, whole);
  // A slice ends at every 64th job when the bound is 0: 15 per family of 1000 jobs, 7 families.
  assert.ok(turns >= 7 * 15, `only ${turns} turns of the event loop during the render`);
});

test('an empty job list still lists every family with HELP and TYPE', async () => {
  const text = await renderExposition({ jobs: 0, invalidJobFolders: 0, series: [] });
  assert.equal(text.split('\n').filter((line) => line.startsWith('# TYPE')).length, 9);
  assert.deepEqual(
    text.split('\n').filter((line) => line !== '' && !line.startsWith('#')),
    ['pycron_jobs 0', 'pycron_invalid_job_folders 0'],
  );
});
