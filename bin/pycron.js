#!/usr/bin/env node
// Entry point. A git clone (src/ present) runs the TypeScript sources through tsx, so `npx pycron` works right after
// `npm ci` and a dist/ left by an earlier `npm pack` can never run stale code; the npm package ships no src/ and runs
// the built JavaScript in dist/.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const sources = new URL('../src/cli.ts', import.meta.url);
const built = new URL('../dist/cli.js', import.meta.url);

if (existsSync(fileURLToPath(sources))) {
  let register;
  try {
    ({ register } = await import('tsx/esm/api'));
  } catch (error) {
    if (error?.code !== 'ERR_MODULE_NOT_FOUND') throw error;
    process.stderr.write('pycron: this source checkout lacks its dev dependencies (tsx): run `npm ci` first\n');
    process.exit(1);
  }
  register();
  await import(sources.href);
} else if (existsSync(fileURLToPath(built))) {
  await import(built.href);
} else {
  process.stderr.write(`pycron: ${fileURLToPath(built)} is missing: this package was packed without its build\n`);
  process.exit(1);
}
