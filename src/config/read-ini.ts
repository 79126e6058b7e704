// Reads an ini file (config.ini, a job's job.ini) into sections -> keys -> { value, line }, with ini 6's value rules,
// and warns about the ini traps: a value cut at an unquoted '#' or ';', and a key given twice. Unlike ini 6, keys are
// never cut at '#' or ';' (job.ini's [cron] keys are cron expressions such as `0 0 * * 5#2`), and a quoted key may
// hold '='.
import { readFileSync } from 'node:fs';
import ini from 'ini';
import type { Diagnostic } from '../diagnostic.ts';
import { PycronError, type ErrorCode } from '../errors.ts';

export interface IniEntry {
  /** The key as written in the file. */
  key: string;
  /** Always a string: ini's `true`/`false`/`null` are given back as written. */
  value: string;
  /** 1-based line number of the key in the file. */
  line: number;
}

export interface IniSection {
  /** The section name as written (the first time it appears); '' for keys before any [section]. */
  name: string;
  line: number;
  /** Keyed by the lower-cased key: keys are matched case-insensitively (PyCron users write them upper-case). */
  entries: Map<string, IniEntry>;
}

export interface IniDocument {
  file: string;
  /** Keyed by the lower-cased section name; '' holds the keys before any [section]. */
  sections: Map<string, IniSection>;
}

export interface ParseIniOptions {
  /**
   * Lower-cased names of sections whose values are kept exactly as written (trimmed): no quote removal, no cut at
   * '#' or ';', no warning; a bare key gives ''. For values that are read again by their own rules (job.ini's
   * [trigger] and [cron] arguments are split into words like a shell does).
   */
  rawValueSections?: readonly string[];
}

export interface IniResult {
  document: IniDocument;
  diagnostics: Diagnostic[];
}

// The same line grammar as ini 6's decode(): a [section] line, or `key = value`, or a bare key (value true)...
const SECTION_LINE = /^\[([^\]]*)\]\s*$/;
const KEY_LINE = /^([^=]+)(?:=(.*))?$/;
// ...plus a quoted key, which may hold '=' (`"TZ=Europe/Berlin 0 2 * * *" = --night`).
const QUOTED_KEY_LINE = /^\s*("(?:[^"\\]|\\.)*"|'[^']*')\s*(?:=(.*))?$/;

/** Looks a key up case-insensitively, in a section named case-insensitively. */
export function findIniEntry(document: IniDocument, section: string, key: string): IniEntry | undefined {
  return document.sections.get(section.toLowerCase())?.entries.get(key.toLowerCase());
}

/** Parses ini text; `file` is used in messages only. Never throws for bad input. */
export function parseIni(text: string, file: string, options: ParseIniOptions = {}): IniResult {
  const rawSections = new Set(options.rawValueSections ?? []);
  const sections = new Map<string, IniSection>();
  const diagnostics: Diagnostic[] = [];
  let current: IniSection = { name: '', line: 0, entries: new Map() };
  sections.set('', current);

  const lines = text.replace(/^\uFEFF/, '').split(/\r\n|\r|\n/);
  lines.forEach((raw, index) => {
    const line = index + 1;
    if (/^\s*([;#]|$)/.test(raw)) return;
    const parsed = splitLine(raw);
    if (!parsed) return;
    if ('section' in parsed) {
      const name = parsed.section;
      const id = name.toLowerCase();
      const known = sections.get(id);
      current = known ?? { name, line, entries: new Map() };
      if (!known) sections.set(id, current);
      return;
    }
    const { key, rawValue } = parsed;
    const keepRaw = rawSections.has(current.name.toLowerCase());
    const value = keepRaw ? (rawValue ?? '').trim() : rawValue === undefined ? 'true' : decodeValue(rawValue);
    const where = { file, section: current.name || undefined, key, line };

    const cut = rawValue === undefined || keepRaw ? undefined : findCommentCut(rawValue);
    if (cut)
      diagnostics.push(
        warning(
          'CONFIG_INI_COMMENT',
          file,
          new PycronError('CONFIG_INI_COMMENT', {
            where,
            reason: `the value holds an unquoted '${cut}', which ini reads as a comment; quote the value ("...") to keep it`,
          }),
        ),
      );

    const previous = current.entries.get(key.toLowerCase());
    if (previous)
      diagnostics.push(
        warning(
          'CONFIG_DUPLICATE_KEY',
          file,
          new PycronError('CONFIG_DUPLICATE_KEY', {
            where,
            reason: `given twice (line ${previous.line} and line ${line}); the last one counts`,
          }),
        ),
      );
    current.entries.set(key.toLowerCase(), { key, value, line });
  });

  return { document: { file, sections }, diagnostics };
}

/** One line: a section header, or a key (decoded) with its raw value (undefined for a bare key). */
function splitLine(raw: string): { section: string } | { key: string; rawValue: string | undefined } | undefined {
  const section = SECTION_LINE.exec(raw);
  if (section) return { section: String(ini.unsafe(section[1] ?? '')) };
  const match = QUOTED_KEY_LINE.exec(raw) ?? KEY_LINE.exec(raw);
  return match ? { key: decodeKey(match[1] ?? ''), rawValue: match[2] } : undefined;
}

/**
 * A key as written, trimmed: quotes removed as for values, `\#`, `\;` and `\\` unescaped, and (unlike ini 6) never
 * cut at a '#' or ';', which a cron expression may hold.
 */
function decodeKey(rawKey: string): string {
  const key = rawKey.trim();
  if (key.length > 1 && (key[0] === '"' || key[0] === "'") && key.endsWith(key[0])) return decodeValue(key);
  return key.replace(/\\([\\;#])/g, '$1');
}

/**
 * Reads and parses an ini file. A file that cannot be read gives an empty document and an error diagnostic with
 * `unreadableCode` (IO_FAILED unless the caller knows better).
 */
export function readIni(
  file: string,
  options: { readText?: (path: string) => string; unreadableCode?: ErrorCode } = {},
): IniResult {
  const readText = options.readText ?? ((path: string) => readFileSync(path, 'utf8'));
  let text: string;
  try {
    text = readText(file);
  } catch (error) {
    const reason = `cannot be read (${error instanceof Error ? error.message : String(error)})`;
    const code = options.unreadableCode ?? 'IO_FAILED';
    const empty = parseIni('', file);
    return {
      document: empty.document,
      diagnostics: [
        {
          severity: 'error',
          code,
          path: file,
          message: new PycronError(code, { where: { file }, reason }).message,
        },
      ],
    };
  }
  return parseIni(text, file);
}

/**
 * ini 6's value rules, except that a single-quoted value is kept as written: ini JSON-parses its inside too, so
 * '[1,2]' became the array 1,2. ini.unsafe may also give back numbers, booleans and null: normalise to strings.
 */
function decodeValue(rawValue: string): string {
  const value = rawValue.trim();
  if (value.length > 1 && value.startsWith("'") && value.endsWith("'")) return value.slice(1, -1);
  return String(ini.unsafe(rawValue));
}

/** The first unescaped '#' or ';' of an unquoted value, where ini 6 cuts it; undefined when nothing is cut. */
function findCommentCut(rawValue: string): '#' | ';' | undefined {
  const value = rawValue.trim();
  const quoted = value.length > 1 && (value[0] === '"' || value[0] === "'") && value.endsWith(value[0]);
  if (quoted) return undefined;
  for (let i = 0; i < value.length; i++) {
    const c = value[i];
    if (c === '\\') i++;
    else if (c === '#' || c === ';') return c;
  }
  return undefined;
}

function warning(code: ErrorCode, path: string, error: PycronError): Diagnostic {
  return { severity: 'warning', code, path, message: error.message };
}
