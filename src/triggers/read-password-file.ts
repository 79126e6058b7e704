// A [Redis] or [MQTT] PASSWORD_FILE read when the triggers open, so config.ini holds no secret. One final line break
// is dropped (echo adds it); anything else is part of the password.
import { readFileSync } from 'node:fs';
import { PycronError, type ErrorLocation } from '../errors.ts';

/** The password in `file`; throws CONFIG_BAD_VALUE naming `where` when it cannot be read or is empty. */
export function readPasswordFile(
  file: string,
  where: ErrorLocation,
  readText: (file: string) => string = (path) => readFileSync(path, 'utf8'),
): string {
  let text: string;
  try {
    text = readText(file);
  } catch (error) {
    throw new PycronError('CONFIG_BAD_VALUE', {
      where,
      reason: `the password file ${file} cannot be read: ${error instanceof Error ? error.message : String(error)}`,
      cause: error,
    });
  }
  const password = text.replace(/\r?\n$/, '');
  if (password === '')
    throw new PycronError('CONFIG_BAD_VALUE', { where, reason: `the password file ${file} is empty` });
  return password;
}
