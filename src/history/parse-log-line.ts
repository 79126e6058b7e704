// Reads the indexed fields of one status-log line without turning its output and error into strings: the record's
// key order (status-record.ts) puts output and error between status_code and next_run, so only the line's head (up
// to ,"output":) and tail (from ,"next_run":) are read. A raw `,"output":` or `,"next_run":` cannot occur inside a
// JSON string (its quotes would be escaped), so each found is a real key.
import { indexedRunFromObject, type IndexedRun } from './indexed-run.ts';
import { readRecordFields } from './read-record-fields.ts';
import type { LogLine } from './read-log-lines.ts';

const OUTPUT_KEY = Buffer.from(',"output":');
const NEXT_RUN_KEY = Buffer.from(',"next_run":');
/** How every record starts; found after byte 0 it marks a record glued to the torn end of an earlier one. */
const RECORD_START = Buffer.from('{"file":');

export type LineReading =
  /** `skipped` bytes of a torn record came before this one on the same line (0 for a clean line). */
  { run: IndexedRun; skipped: number } | { run: undefined; problem: 'unreadable' | 'too-long' };

export function parseLogLine(line: LogLine): LineReading {
  const run = parseRecord(line.head, line.tail, line.whole);
  if (run) return { run, skipped: 0 };
  if (!line.whole) return { run: undefined, problem: 'too-long' };
  // A crash tore a record and the next one was appended to its remains, on the same line: a raw {"file": past
  // byte 0 is where that record starts.
  const start = line.head.lastIndexOf(RECORD_START);
  if (start > 0) {
    const rest = line.head.subarray(start);
    const glued = parseRecord(rest, rest, true);
    if (glued) return { run: glued, skipped: start };
  }
  return { run: undefined, problem: 'unreadable' };
}

function parseRecord(head: Buffer, tail: Buffer, whole: boolean): IndexedRun | undefined {
  const outputAt = head.indexOf(OUTPUT_KEY);
  // NOTE: searched from the end, which is nearer: the output and error lie between the two keys.
  const nextRunAt = tail.lastIndexOf(NEXT_RUN_KEY);
  if (outputAt > 0 && nextRunAt >= 0 && (!whole || nextRunAt > outputAt)) {
    const headText = head.toString('utf8', 0, outputAt);
    // A second record start before the output: a torn record glued to this one, handled by the caller.
    if (headText.indexOf('{"file":', 1) !== -1) return undefined;
    const run = readRecordFields(headText, tail.toString('utf8', nextRunAt));
    if (run) return run;
  }
  // Not in pycron's key order (written by hand or by another tool): parse it whole, when it is.
  return whole ? indexedRunFromObject(parseObject(head.toString('utf8'))) : undefined;
}

function parseObject(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
