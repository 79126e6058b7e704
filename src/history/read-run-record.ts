// Reads one run's full status record (its output included) back from the line the index points at. The file may
// have been removed by retention or replaced since it was indexed: that is an answer ('gone'), never a throw.
import fs from 'node:fs';
import path from 'node:path';
import type { StatusRecord } from '../statuslog/status-record.ts';
import type { RunEntry } from './run-entry.ts';

/** Largest record get() reads into memory (output and error are bounded by OUTPUT_CAPTURE_BYTES each). */
export const MAX_RECORD_BYTES = 64 * 1024 * 1024;

export type RunLookup =
  | { kind: 'found'; entry: RunEntry; record: StatusRecord }
  /** No run with this id in the history (never seen, or older than the retention window). */
  | { kind: 'unknown' }
  /** The run is indexed but its record can no longer be read; `reason` is a sentence saying why. */
  | { kind: 'gone'; entry: RunEntry; reason: string }
  /** The record is over MAX_RECORD_BYTES: read it from `entry.location` in a stream. */
  | { kind: 'too-large'; entry: RunEntry };

export async function readRunRecord(logsFolder: string, entry: RunEntry): Promise<RunLookup> {
  const { location } = entry;
  if (location === null) {
    return {
      kind: 'gone',
      entry,
      reason: `the status record of run ${entry.runId} is not in the status log (the logs folder may not be writable)`,
    };
  }
  if (location.length > MAX_RECORD_BYTES) return { kind: 'too-large', entry };
  const file = path.join(logsFolder, location.file);
  let bytes: Buffer;
  try {
    const handle = await fs.promises.open(file, 'r');
    try {
      bytes = Buffer.alloc(location.length);
      const { bytesRead } = await handle.read(bytes, 0, location.length, location.offset);
      bytes = bytes.subarray(0, bytesRead);
    } finally {
      await handle.close();
    }
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason =
      code === 'ENOENT'
        ? `${location.file}, which held run ${entry.runId}, was removed (status-log retention)`
        : `${location.file} cannot be read: ${(error as Error).message}`;
    return { kind: 'gone', entry, reason };
  }
  const record = parseRecord(bytes);
  if (record?.run_id !== entry.runId) {
    return {
      kind: 'gone',
      entry,
      reason: `${location.file} no longer holds run ${entry.runId} at byte ${location.offset}: the file was replaced or cut`,
    };
  }
  return { kind: 'found', entry, record };
}

function parseRecord(bytes: Buffer): StatusRecord | undefined {
  try {
    const value: unknown = JSON.parse(bytes.toString('utf8'));
    return typeof value === 'object' && value !== null ? (value as StatusRecord) : undefined;
  } catch {
    return undefined;
  }
}
