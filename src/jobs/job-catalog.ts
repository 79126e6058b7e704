// The current jobs and diagnostics, kept per top-level entry of the jobs folder, and what changed with each
// new scan. A job is known by its name: a rename is a removal plus an addition; a new fingerprint is a change.
// Jobs in a trigger cycle are held back (not in `jobs`, reported as removed) until the cycle is broken.
// Jobs stored in the cluster's database (layout `stored`) come and go with replaceStored alone, never with a scan.
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Diagnostic } from '../diagnostic.ts';
import { checkTriggers } from './check-triggers.ts';
import type { JobSpec } from './job-spec.ts';
import type { ScanResult } from './scan-jobs-folder.ts';

export interface CatalogChange {
  added: JobSpec[];
  /** Same name, new fingerprint: the new spec. */
  changed: JobSpec[];
  removed: JobSpec[];
}

/** The top-level entry a job comes from: `backup` for a job folder, `5min` for `5min/at0030/x.sh`. */
export function entryOfJob(job: JobSpec): string {
  const slash = job.name.indexOf('/');
  return slash === -1 ? job.name : job.name.slice(0, slash);
}

/** Diagnostics about the jobs folder itself are kept under ''. */
const ROOT_ENTRY = '';
/** Diagnostics about stored jobs: a key no folder entry can have. */
const STORED_ENTRY = '\u0000stored';

export class JobCatalog {
  readonly #jobsFolder: string;
  /** Every job the scans gave, those in a trigger cycle included. */
  readonly #jobs = new Map<string, JobSpec>();
  readonly #diagnostics = new Map<string, Diagnostic[]>();
  /** Names of the jobs with triggers: only they can be in a cycle or name a missing job. */
  readonly #triggering = new Set<string>();
  #inCycle = new Set<string>();
  #triggerDiagnostics: Diagnostic[] = [];
  /** Names the triggering jobs name, as of the last check. */
  #targets = new Set<string>();

  /** `jobsFolder` is used to tell which entry a diagnostic belongs to (diagnostic paths are absolute). */
  constructor(jobsFolder: string) {
    this.#jobsFolder = path.resolve(jobsFolder);
  }

  /** Replaces everything with a full scan's result. */
  replaceAll(result: ScanResult): CatalogChange {
    // An entry that could not be read (EIO, EMFILE) keeps its jobs: a passing read error must not unschedule them.
    const unreadable = new Set(
      result.diagnostics.filter((d) => d.code === 'IO_FAILED').map((d) => this.#entryOfPath(d.path)),
    );
    // The jobs folder itself unreadable but present: keep everything. Gone (deleted): its jobs go too.
    const keepAll = unreadable.has(ROOT_ENTRY) && existsSync(this.#jobsFolder);
    const kept = [...this.#jobs.values()].filter(
      (job) => job.layout === 'stored' || keepAll || unreadable.has(entryOfJob(job)),
    );
    const next = [...result.jobs.filter((job) => !keepAll && !unreadable.has(entryOfJob(job))), ...kept];
    const previous = new Map(this.#jobs);
    const change = diffJobs([...previous.values()], next);
    this.#jobs.clear();
    this.#triggering.clear();
    for (const job of next) this.#setJob(job);
    const stored = this.#diagnostics.get(STORED_ENTRY);
    this.#diagnostics.clear();
    if (stored) this.#diagnostics.set(STORED_ENTRY, stored);
    for (const d of result.diagnostics) this.#addDiagnostic(this.#entryOfPath(d.path), d);
    return this.#checkTriggers(change, previous);
  }

  /** Replaces every stored job (and their diagnostics) with the database's current ones. */
  replaceStored(result: ScanResult): CatalogChange {
    const before = [...this.#jobs.values()].filter((job) => job.layout === 'stored');
    const after = result.jobs.filter((job) => job.layout === 'stored');
    const change = diffJobs(before, after);
    for (const job of before) {
      this.#jobs.delete(job.name);
      this.#triggering.delete(job.name);
    }
    for (const job of after) this.#setJob(job);
    this.#diagnostics.set(STORED_ENTRY, [...result.diagnostics]);
    return this.#checkTriggers(change, new Map(before.map((job) => [job.name, job])));
  }

  /** Replaces the jobs and diagnostics of one top-level entry with a scan of that entry. */
  replaceEntry(entry: string, result: ScanResult): CatalogChange {
    const before = [...this.#jobs.values()].filter((job) => job.layout !== 'stored' && entryOfJob(job) === entry);
    const unreadable = result.diagnostics.some((d) => d.code === 'IO_FAILED');
    const after = unreadable ? before : result.jobs.filter((job) => entryOfJob(job) === entry);
    const change = diffJobs(before, after);
    for (const job of before) {
      this.#jobs.delete(job.name);
      this.#triggering.delete(job.name);
    }
    for (const job of after) this.#setJob(job);
    this.#diagnostics.delete(entry);
    for (const d of result.diagnostics) this.#addDiagnostic(entry, d);
    return this.#checkTriggers(change, new Map(before.map((job) => [job.name, job])));
  }

  /** Every job, sorted by name; jobs in a trigger cycle are left out. */
  get jobs(): JobSpec[] {
    return [...this.#jobs.values()]
      .filter((job) => !this.#inCycle.has(job.name))
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  /** jobs.length, without sorting every job (GET /health asks for it often). */
  get count(): number {
    let count = 0;
    for (const name of this.#jobs.keys()) if (!this.#inCycle.has(name)) count++;
    return count;
  }

  get(name: string): JobSpec | undefined {
    return this.#inCycle.has(name) ? undefined : this.#jobs.get(name);
  }

  /** Every current diagnostic (trigger cycles and unknown trigger targets included), sorted by path. */
  get diagnostics(): Diagnostic[] {
    return [...[...this.#diagnostics.values()].flat(), ...this.#triggerDiagnostics].sort((a, b) =>
      a.path < b.path ? -1 : a.path > b.path ? 1 : 0,
    );
  }

  #setJob(job: JobSpec): void {
    this.#jobs.set(job.name, job);
    if (job.options.triggers.length > 0) this.#triggering.add(job.name);
  }

  /**
   * Recomputes the trigger cycles and turns the change among all scanned jobs into the change callers see: a job
   * entering a cycle is removed, one leaving it is added, and jobs held back are never reported.
   */
  #checkTriggers(scanned: CatalogChange, previous: ReadonlyMap<string, JobSpec>): CatalogChange {
    // Cheap way out (a burst of new folders calls this once per folder): nothing touched has or had triggers, or
    // is named by one, so no cycle and no unknown target can have changed.
    const touches = (job: JobSpec): boolean =>
      job.options.triggers.length > 0 ||
      (previous.get(job.name)?.options.triggers.length ?? 0) > 0 ||
      this.#targets.has(job.name);
    if (![...scanned.added, ...scanned.changed, ...scanned.removed].some(touches)) return scanned;

    const wasHeld = this.#inCycle;
    const check = checkTriggers(this.#jobs, this.#triggering);
    this.#inCycle = check.inCycle;
    this.#triggerDiagnostics = check.diagnostics;
    this.#targets = new Set(
      [...this.#triggering].flatMap((name) => this.#jobs.get(name)?.options.triggers.map((t) => t.job) ?? []),
    );
    if (wasHeld.size === 0 && check.inCycle.size === 0) return scanned;

    const held = check.inCycle;
    const change: CatalogChange = { added: [], changed: [], removed: [] };
    const seen = new Set<string>();
    for (const job of scanned.added) {
      seen.add(job.name);
      if (!held.has(job.name)) change.added.push(job);
    }
    for (const job of scanned.removed) {
      seen.add(job.name);
      if (!wasHeld.has(job.name)) change.removed.push(job);
    }
    for (const job of scanned.changed) {
      seen.add(job.name);
      if (wasHeld.has(job.name) && !held.has(job.name)) change.added.push(job);
      else if (!wasHeld.has(job.name) && held.has(job.name)) change.removed.push(previous.get(job.name) ?? job);
      else if (!held.has(job.name)) change.changed.push(job);
    }
    // Jobs the scan did not touch, whose cycle was made or broken by another job's change.
    for (const name of held) {
      const job = this.#jobs.get(name);
      if (job && !seen.has(name) && !wasHeld.has(name)) change.removed.push(job);
    }
    for (const name of wasHeld) {
      const job = this.#jobs.get(name);
      if (job && !seen.has(name) && !held.has(name)) change.added.push(job);
    }
    return change;
  }

  #addDiagnostic(entry: string, d: Diagnostic): void {
    const list = this.#diagnostics.get(entry);
    if (list) list.push(d);
    else this.#diagnostics.set(entry, [d]);
  }

  #entryOfPath(file: string): string {
    const relative = path.relative(this.#jobsFolder, path.resolve(file));
    if (relative === '' || relative.startsWith('..')) return ROOT_ENTRY;
    return relative.split(path.sep)[0] ?? ROOT_ENTRY;
  }
}

function diffJobs(before: readonly JobSpec[], after: readonly JobSpec[]): CatalogChange {
  const old = new Map(before.map((job) => [job.name, job]));
  const change: CatalogChange = { added: [], changed: [], removed: [] };
  for (const job of after) {
    const previous = old.get(job.name);
    if (!previous) change.added.push(job);
    else if (previous.fingerprint !== job.fingerprint) change.changed.push(job);
    old.delete(job.name);
  }
  change.removed.push(...old.values());
  return change;
}
