// Builds dist/, what the npm package runs: an empty dist/, then src/ compiled by tsc (tsconfig.build.json rewrites
// the `.ts` import suffixes to `.js`), then every file of src/ that is not TypeScript copied to the same relative
// place, because modules read them beside themselves at run time (src/dashboard/*, src/http/openapi.json).
import { spawnSync } from 'node:child_process';
import { cpSync, readdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const SOURCES = path.join(ROOT, 'src');
const OUT = path.join(ROOT, 'dist');

/** Files under `folder` (relative paths) that tsc does not emit. */
function runtimeAssets(folder: string): string[] {
  return readdirSync(folder, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && !entry.name.endsWith('.ts'))
    .map((entry) => path.relative(folder, path.join(entry.parentPath, entry.name)))
    .sort();
}

// NOTE: emptied first, so a module deleted from src/ cannot linger in the package.
rmSync(OUT, { recursive: true, force: true });

const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
const compiled = spawnSync(process.execPath, [tsc, '-p', path.join(ROOT, 'tsconfig.build.json')], {
  stdio: 'inherit',
});
if (compiled.status !== 0) {
  process.stderr.write(`build: tsc failed (exit ${compiled.status ?? compiled.signal})\n`);
  process.exit(1);
}

const assets = runtimeAssets(SOURCES);
for (const asset of assets) cpSync(path.join(SOURCES, asset), path.join(OUT, asset));
process.stdout.write(`build: compiled src/ into dist/ and copied ${assets.length} run-time files beside it\n`);
