// `pycron init [--prefix DIR]`: a first installation under DIR (default /etc/pycron), never overwriting anything.
import path from 'node:path';
import { initPycronFolder } from '../init/init-pycron-folder.ts';
import { pycronFolderPaths } from '../init/pycron-folder-paths.ts';
import { PACKAGE_MANIFEST } from '../package-manifest.ts';
import { alignColumns } from './align-columns.ts';
import { stdoutWantsColour } from './stdout-wants-colour.ts';

/** The folder PyCron used, and the built-in defaults point at. */
const DEFAULT_PREFIX = '/etc/pycron';

export function initCommand(args: { prefix?: string }): number {
  const prefix = path.resolve(args.prefix ?? DEFAULT_PREFIX);
  const { created, skipped } = initPycronFolder(prefix, PACKAGE_MANIFEST.version);
  const colour = stdoutWantsColour();
  const rows = [
    ...created.map((step) => [{ text: 'created', tone: 'green' as const }, step.path, step.what]),
    ...skipped.map((step) => [{ text: 'skipped', tone: 'yellow' as const }, step.path, step.what]),
  ];
  const config = pycronFolderPaths(prefix).config;
  const configFlag = prefix === DEFAULT_PREFIX ? '' : ` -c ${config}`;
  process.stdout.write(
    [
      ...alignColumns(rows, colour),
      created.length === 0
        ? `nothing to do: everything under ${prefix} exists`
        : `${created.length} created, ${skipped.length} skipped`,
      `next: check it with \`pycron validate${configFlag}\`, run it with \`pycron -c ${config}\` ` +
        '(as a service: README, "Run as a service")',
      '',
    ].join('\n'),
  );
  return 0;
}
