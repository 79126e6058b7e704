// Checks the jobs' `trigger` chains as a whole: jobs in a cycle (a → b → a, or a → a) would start each other
// forever, so they are not loaded; a trigger naming a job that does not exist is only a warning (it may come later).
import path from 'node:path';
import type { Diagnostic } from '../diagnostic.ts';
import { JOB_INI_FILE } from './job-file-names.ts';
import type { JobSpec } from './job-spec.ts';

export interface TriggerCheck {
  /** Names of the jobs in a trigger cycle. */
  inCycle: Set<string>;
  /** One error per job in a cycle, one warning per trigger naming an unknown job. */
  diagnostics: Diagnostic[];
}

/** Where a job's trigger problems are reported: its job.ini (PyCron-layout jobs: the script). */
export function triggerReportPath(job: JobSpec): string {
  return job.layout === 'folder' ? path.join(job.folder, JOB_INI_FILE) : job.file;
}

/**
 * Pure. `names` are the jobs whose triggers to follow (only jobs with triggers can be in a cycle); `jobs` holds every
 * job. Invariant: a job is in `inCycle` exactly when a chain of triggers leads from it back to itself.
 */
export function checkTriggers(jobs: ReadonlyMap<string, JobSpec>, names: Iterable<string>): TriggerCheck {
  const edges = new Map<string, string[]>();
  const diagnostics: Diagnostic[] = [];
  for (const name of names) {
    const job = jobs.get(name);
    if (!job || job.options.triggers.length === 0) continue;
    const targets: string[] = [];
    for (const { job: target } of job.options.triggers) {
      if (jobs.has(target)) targets.push(target);
      else
        diagnostics.push({
          severity: 'warning',
          code: 'JOB_INVALID',
          path: triggerReportPath(job),
          message: `trigger: no job named '${target}' (nothing is started until one exists)`,
        });
    }
    edges.set(name, targets);
  }

  const inCycle = new Set<string>();
  for (const component of stronglyConnected(edges)) {
    const only = component[0];
    const cyclic = component.length > 1 || (only !== undefined && (edges.get(only) ?? []).includes(only));
    if (!cyclic) continue;
    const members = new Set(component);
    // One search finds a cycle; each job on it gets that cycle turned to start at itself. Other jobs of a tangled
    // group get their own search, except in a huge group, where they share the first cycle found.
    const cycles = new Map<string, { ring: readonly string[]; at: number }>();
    let first: { ring: readonly string[]; at: number } | undefined;
    const remember = (cycle: string[]): void => {
      const ring = cycle.slice(0, -1);
      first ??= { ring, at: 0 };
      ring.forEach((name, at) => {
        if (!cycles.has(name)) cycles.set(name, { ring, at });
      });
    };
    for (const name of component) {
      inCycle.add(name);
      if (!cycles.has(name) && (first === undefined || members.size <= MAX_GROUP_SEARCHED))
        remember(shortestCycle(name, edges, members));
      const job = jobs.get(name);
      const cycle = cycles.get(name) ?? first;
      if (!job || !cycle) continue;
      diagnostics.push({
        severity: 'error',
        code: 'JOB_INVALID',
        path: triggerReportPath(job),
        message: `trigger cycle: ${describeCycle(cycle.ring, cycle.at)} (the jobs would start each other forever; none of them is loaded)`,
      });
    }
  }
  diagnostics.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return { inCycle, diagnostics };
}

/** Beyond this many jobs in one tangled group, jobs off the first cycle found share it in their message. */
const MAX_GROUP_SEARCHED = 500;
/** Longer cycles are shown by their ends: a → b → c → … → y → z → a (40 jobs). */
const MAX_NAMES_SHOWN = 8;

/** The ring read from `at` round to `at` again: a → b → a. */
function describeCycle(ring: readonly string[], at: number): string {
  const nameAt = (step: number): string => ring[(at + step) % ring.length] as string;
  if (ring.length <= MAX_NAMES_SHOWN)
    return Array.from({ length: ring.length + 1 }, (_, step) => nameAt(step)).join(' → ');
  const half = MAX_NAMES_SHOWN / 2;
  const head = Array.from({ length: half }, (_, step) => nameAt(step));
  const tail = Array.from({ length: half }, (_, step) => nameAt(ring.length - half + 1 + step));
  return `${[...head, '…', ...tail].join(' → ')} (${ring.length} jobs)`;
}

/** Tarjan's strongly connected components, iterative (a chain of 10,000 jobs must not overflow the stack). */
function stronglyConnected(edges: ReadonlyMap<string, readonly string[]>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const components: string[][] = [];
  let next = 0;
  for (const root of edges.keys()) {
    if (index.has(root)) continue;
    const work: { node: string; edge: number }[] = [{ node: root, edge: 0 }];
    index.set(root, next);
    low.set(root, next++);
    stack.push(root);
    onStack.add(root);
    while (work.length > 0) {
      const frame = work[work.length - 1] as { node: string; edge: number };
      const targets = edges.get(frame.node) ?? [];
      if (frame.edge < targets.length) {
        const target = targets[frame.edge++] as string;
        if (!edges.has(target)) continue; // a job without triggers ends every chain
        if (!index.has(target)) {
          index.set(target, next);
          low.set(target, next++);
          stack.push(target);
          onStack.add(target);
          work.push({ node: target, edge: 0 });
        } else if (onStack.has(target)) {
          low.set(frame.node, Math.min(low.get(frame.node) as number, index.get(target) as number));
        }
        continue;
      }
      work.pop();
      const parent = work[work.length - 1];
      if (parent) low.set(parent.node, Math.min(low.get(parent.node) as number, low.get(frame.node) as number));
      if (low.get(frame.node) === index.get(frame.node)) {
        const component: string[] = [];
        let member: string | undefined;
        do {
          member = stack.pop() as string;
          onStack.delete(member);
          component.push(member);
        } while (member !== frame.node);
        components.push(component.reverse());
      }
    }
  }
  return components;
}

/** The shortest chain from `start` back to itself within `members` (breadth-first), as names: a → b → a. */
function shortestCycle(start: string, edges: ReadonlyMap<string, readonly string[]>, members: Set<string>): string[] {
  const previous = new Map<string, string>();
  const queue = [start];
  for (let at = 0; at < queue.length; at++) {
    const node = queue[at] as string;
    for (const target of edges.get(node) ?? []) {
      if (!members.has(target)) continue;
      if (target === start) {
        const chain = [start];
        for (let step: string | undefined = node; step !== undefined && step !== start; step = previous.get(step))
          chain.push(step);
        return [start, ...chain.slice(1).reverse(), start];
      }
      if (!previous.has(target)) {
        previous.set(target, node);
        queue.push(target);
      }
    }
  }
  return [start, start];
}
