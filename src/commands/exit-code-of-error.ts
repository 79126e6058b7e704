// The exit code for an error the service answered with; a code this build does not know (a newer service) is 1.
import { ERROR_CODES } from '../errors.ts';

export function exitCodeOfError(code: string): number {
  return Object.hasOwn(ERROR_CODES, code) ? ERROR_CODES[code as keyof typeof ERROR_CODES].exit : 1;
}
