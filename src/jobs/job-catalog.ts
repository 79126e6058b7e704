// The current jobs and diagnostics, kept per top-level entry of the jobs folder, and what changed with each
// new scan. A job is known by its name: a rename is a removal plus an addition; a new fingerprint is a change.
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Diagnostic } from '../diagnostic.ts';
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

export class JobCatalog {
  readonly #jobsFolder: string;
  readonly #jobs = new Map<string, JobSpec>();
  readonly #diagnostics = new Map<string, Diagnostic[]>();

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
    const kept = [...this.#jobs.values()].filter((job) => keepAll || unreadable.has(entryOfJob(job)));
    const next = [...result.jobs.filter((job) => !keepAll && !unreadable.has(entryOfJob(job))), ...kept];
    const change = diffJobs([...this.#jobs.values()], next);
    this.#jobs.clear();
    for (const job of next) this.#jobs.set(job.name, job);
    this.#diagnostics.clear();
    for (const d of result.diagnostics) this.#addDiagnostic(this.#entryOfPath(d.path), d);
    return change;
  }

  /** Replaces the jobs and diagnostics of one top-level entry with a scan of that entry. */
  replaceEntry(entry: string, result: ScanResult): CatalogChange {
    const before = [...this.#jobs.values()].filter((job) => entryOfJob(job) === entry);
    const unreadable = result.diagnostics.some((d) => d.code === 'IO_FAILED');
    const after = unreadable ? before : result.jobs.filter((job) => entryOfJob(job) === entry);
    const change = diffJobs(before, after);
    for (const job of before) this.#jobs.delete(job.name);
    for (const job of after) this.#jobs.set(job.name, job);
    this.#diagnostics.delete(entry);
    for (const d of result.diagnostics) this.#addDiagnostic(entry, d);
    return change;
  }

  /** Every job, sorted by name. */
  get jobs(): JobSpec[] {
    return [...this.#jobs.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  get(name: string): JobSpec | undefined {
    return this.#jobs.get(name);
  }

  /** Every current diagnostic, sorted by path. */
  get diagnostics(): Diagnostic[] {
    return [...this.#diagnostics.values()].flat().sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
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
