// A job name taken from a URL path, decoded and checked before it is looked up: never empty, never leaving the jobs
// folder (`..`, a leading /), no control characters, at most 255 characters. The name is only ever a catalog key.
import { MAX_JOB_NAME_CHARS } from '../control/control-protocol.ts';
import { PycronError } from '../errors.ts';
import { isPlausibleJobName } from '../jobs/plausible-job-name.ts';

// eslint-disable-next-line no-control-regex
const CONTROL_CHARACTER = /[\u0000-\u001f\u007f]/;

export function parseJobName(encoded: string): string {
  let name: string;
  try {
    name = decodeURIComponent(encoded);
  } catch {
    throw bad('the job name in the path is not valid percent-encoded UTF-8');
  }
  if (CONTROL_CHARACTER.test(name) || [...name].length > MAX_JOB_NAME_CHARS || !isPlausibleJobName(name))
    throw bad(
      `expected a job name of 1 to ${MAX_JOB_NAME_CHARS} characters without control characters, '.' or '..' parts, got ${preview(name)}`,
    );
  return name;
}

function preview(name: string): string {
  const text = JSON.stringify(name);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

function bad(reason: string): PycronError {
  return new PycronError('BAD_REQUEST', { reason });
}
