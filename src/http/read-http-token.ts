// The HTTP token in force: [HTTP] TOKEN, or the content of TOKEN_FILE read now (at start), checked the same way.
import { readFileSync } from 'node:fs';
import type { Settings } from '../config/settings.ts';
import { PycronError } from '../errors.ts';
import { parseHttpToken } from './parse-http-listen.ts';

/** Undefined when no token is configured (state-changing requests are then refused); throws CONFIG_BAD_VALUE. */
export function readHttpToken(
  settings: Pick<Settings, 'configFile' | 'httpToken' | 'httpTokenFile'>,
  readText: (file: string) => string = (file) => readFileSync(file, 'utf8'),
): string | undefined {
  const where = { file: settings.configFile, section: 'HTTP', key: 'TOKEN_FILE' };
  if (settings.httpTokenFile === undefined) return settings.httpToken;
  if (settings.httpToken !== undefined)
    throw new PycronError('CONFIG_BAD_VALUE', { where, reason: 'give TOKEN or TOKEN_FILE, not both' });
  let text: string;
  try {
    text = readText(settings.httpTokenFile);
  } catch (error) {
    throw new PycronError('CONFIG_BAD_VALUE', {
      where,
      reason: `the token file ${settings.httpTokenFile} cannot be read: ${error instanceof Error ? error.message : String(error)}`,
      cause: error,
    });
  }
  const parsed = parseHttpToken(text);
  if (!parsed.ok)
    throw new PycronError('CONFIG_BAD_VALUE', {
      where,
      reason: `the token file ${settings.httpTokenFile} does not hold ${parsed.expected}`,
    });
  return parsed.value;
}
