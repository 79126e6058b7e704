// The config.ini that `pycron init` writes: every key of the key table, commented out at its default, except the
// three [Folders] paths, which name the folders under the prefix. Rendered from the table, so it never lags behind it.
import path from 'node:path';
import { SETTING_KEYS, SETTING_SECTIONS, type SettingKey } from '../config/setting-keys.ts';
import { PycronError } from '../errors.ts';
import { pycronFolderPaths } from './pycron-folder-paths.ts';

const COMMENT_WIDTH = 110;

export function renderConfigIni(prefix: string, version: string): string {
  const paths = pycronFolderPaths(prefix);
  const setValues: Record<string, string> = {
    JOBS_FOLDER: paths.jobs,
    LOGS_FOLDER: paths.logs,
    PERSISTENCE_FILE: paths.state,
  };
  const lines = [
    ...comment(
      `pycron configuration, written by \`pycron init --prefix ${prefix}\` (pycron ${version}). ` +
        'Every key pycron knows is below with its meaning and built-in default; a key left commented out keeps ' +
        'its default. Flags (-t, -l, -p, --log-format, --log-level) override this file.',
    ),
    '#',
    ...comment(
      "Quoting: an unquoted '#' or ';' inside a value starts a comment and the rest of the line is dropped; " +
        "quote such a value: KEY = '0 0 * * 5#2'. Relative paths are relative to this file's folder.",
    ),
    '#',
    ...comment(`Check this file and every job with: pycron validate -c ${paths.config}`),
    ...comment('Every key with examples: docs/configuration.md of the pycron package.'),
  ];
  for (const section of SETTING_SECTIONS) {
    lines.push('', `[${section}]`);
    const keys = SETTING_KEYS.filter((k) => k.section === section);
    keys.forEach((spec, index) => {
      if (index > 0) lines.push('');
      lines.push(...comment(`${spec.doc} Default: ${spec.default ?? spec.defaultText}`));
      const value = setValues[spec.key];
      lines.push(
        value === undefined ? `# ${spec.key} = ${commentedValue(spec, prefix)}` : `${spec.key} = ${iniValue(value)}`,
      );
    });
  }
  lines.push(
    '',
    ...comment(
      "[Defaults]: job.ini keys (docs/job-ini.md) that apply to every job; a job's own job.ini wins. For example:",
    ),
    '# [Defaults]',
    '# timeout = 2h',
    '# max_attempts = 5',
    '',
  );
  return lines.join('\n');
}

/** The value shown after `# KEY = `: the default when there is one, else the example (paths moved under the prefix). */
function commentedValue(spec: SettingKey, prefix: string): string {
  if (spec.default !== undefined) return spec.default;
  return spec.example.startsWith('/etc/pycron/')
    ? path.join(prefix, spec.example.slice('/etc/pycron/'.length))
    : spec.example;
}

/** A path as an ini value: single quotes when ini would otherwise cut it at `#` or `;` or trim its spaces. */
function iniValue(value: string): string {
  if (/[\r\n]/.test(value))
    throw new PycronError('USAGE', { reason: `--prefix: a path with a line break cannot go in config.ini` });
  const needsQuotes = /[#;]/.test(value) || value.trim() !== value || /^["']/.test(value);
  if (!needsQuotes) return value;
  if (value.includes("'")) {
    throw new PycronError('USAGE', {
      reason: `--prefix: ${value} holds both a quote and '#', ';' or edge spaces; choose another folder`,
    });
  }
  return `'${value}'`;
}

/** `text` as `# ` lines of at most COMMENT_WIDTH characters, broken at spaces. */
function comment(text: string): string[] {
  const lines: string[] = [];
  let line = '#';
  for (const word of text.split(' ')) {
    if (line.length + 1 + word.length > COMMENT_WIDTH && line !== '#') {
      lines.push(line);
      line = '#';
    }
    line += ` ${word}`;
  }
  lines.push(line);
  return lines;
}
