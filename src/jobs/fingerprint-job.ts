// A short hash of everything that affects how a job is scheduled or run, so an edit is noticed as a change.
import { createHash } from 'node:crypto';

/** 16 hex chars of SHA-256 over a JSON of `parts` (pass plain data: strings, numbers, booleans, arrays). */
export function fingerprintJob(parts: Record<string, unknown>): string {
  return createHash('sha256').update(JSON.stringify(parts)).digest('hex').slice(0, 16);
}
