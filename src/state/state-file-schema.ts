// What a readable state file looks like: anything else is moved aside rather than trusted.
import { z } from 'zod';
import type { ServiceState } from './job-state.ts';

const inFlightRunSchema = z.object({
  runId: z.string(),
  scheduledAt: z.number(),
  reason: z.string(),
  attempt: z.number(),
  startedAt: z.number(),
  pid: z.number().optional(),
  pidStartTicks: z.number().optional(),
  bootId: z.string().optional(),
  file: z.string().optional(),
});

const lastRunSchema = z.object({
  runId: z.string(),
  scheduledAt: z.number(),
  startedAt: z.number(),
  endedAt: z.number(),
  exitCode: z.number().nullable(),
  ok: z.boolean(),
});

// NOTE: every JobState field must be listed: zod drops unknown keys, and a dropped field is lost at the next save.
const jobStateSchema = z.object({
  knownSince: z.number().optional(),
  lastSlotAt: z.number().optional(),
  nextDueAt: z.number().optional(),
  retryAt: z.number().optional(),
  slotAttempts: z.number().int().min(1).optional(),
  retryArgs: z.array(z.string()).optional(),
  periodDueAt: z.number().optional(),
  failures: z.number().int().min(0),
  lastRun: lastRunSchema.optional(),
  // pycron 0.1 wrote one run as an object; now a list (overlap = parallel runs several copies).
  inFlight: z
    .preprocess(
      (value) => (value && typeof value === 'object' && !Array.isArray(value) ? [value] : value),
      z.array(inFlightRunSchema),
    )
    .optional(),
  rebootFiredFor: z.string().optional(),
  paused: z.boolean().optional(),
});

export const stateFileSchema: z.ZodType<ServiceState> = z.object({
  version: z.literal(1),
  jobs: z.record(z.string(), jobStateSchema),
});

/** Parses a state file's text; returns the state, or a short reason it cannot be used. */
export function parseStateFile(text: string): { state: ServiceState } | { reason: string } {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    return { reason: `not valid JSON: ${(error as Error).message}` };
  }
  const result = stateFileSchema.safeParse(raw);
  if (result.success) return { state: result.data };
  const issue = result.error.issues[0];
  const where = issue && issue.path.length > 0 ? issue.path.join('.') : 'top level';
  return { reason: `not a pycron state file: ${where}: ${issue?.message ?? 'invalid'}` };
}
