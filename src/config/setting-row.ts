// The shape of one config.ini key in the table (setting-keys.ts), and the helpers that write rows of it.
import type { ErrorCode } from '../errors.ts';
import type { Settings } from './settings.ts';
import type { ParseContext, Parsed } from './setting-values.ts';

export type SettingOutcome =
  { ok: true; set: Partial<Settings>; warning?: { code: ErrorCode; reason: string } } | { ok: false; expected: string };

export interface SettingKey {
  section: string;
  key: string;
  /** Other accepted spellings (PyCron's JOBS_FOLDER_DEFAULT); `key` wins when both are given. */
  aliases: readonly string[];
  /** The built-in default as it would be written in config.ini; undefined when computed (TIMEZONE). */
  default: string | undefined;
  /** The default as the docs show it. */
  defaultText: string;
  example: string;
  /** One sentence for the docs table. */
  doc: string;
  parse(raw: string, context: ParseContext): SettingOutcome;
}

/** Sets one Settings field from a value parser. */
export function into<F extends keyof Settings>(
  field: F,
  parser: (raw: string, context: ParseContext) => Parsed<Settings[F]>,
) {
  return (raw: string, context: ParseContext): SettingOutcome => {
    const parsed = parser(raw, context);
    if (!parsed.ok) return parsed;
    const set: Partial<Settings> = {};
    set[field] = parsed.value;
    return { ok: true, set };
  };
}

export function row(
  fields: Omit<SettingKey, 'aliases' | 'defaultText'> & { aliases?: readonly string[]; defaultText?: string },
): SettingKey {
  return { aliases: [], defaultText: fields.default ?? '', ...fields };
}
