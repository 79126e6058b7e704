// How many inotify watches the service places for a jobs folder, as src/jobs/ does it: one on the jobs folder, one
// per top-level folder, one per at-folder of a PyCron folder (measured: 200 job folders held 201 watches).
import path from 'node:path';
import { isIgnoredChange } from '../jobs/folder-watches.ts';
import { isPycronFolderName } from '../jobs/pycron-layout.ts';
import type { SystemFacts } from './system-facts.ts';

const AT_FOLDER = /^at\d{4}$/;

/** `folders`: the top-level job folders; `watches`: what the service needs for them. */
export function countWatchesNeeded(facts: SystemFacts, jobsFolder: string): { folders: number; watches: number } {
  const top = (facts.subfolders(jobsFolder) ?? []).filter((name) => !isIgnoredChange(name));
  let watches = 1 + top.length;
  for (const name of top) {
    if (!isPycronFolderName(name)) continue;
    watches += (facts.subfolders(path.join(jobsFolder, name)) ?? []).filter((at) => AT_FOLDER.test(at)).length;
  }
  return { folders: top.length, watches };
}
