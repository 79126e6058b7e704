#!/usr/bin/env node
// Entry point. A packed install runs the built JavaScript in dist/; a git clone runs the TypeScript
// sources through tsx, so `npx pycron` works right after `npm ci` with no build step.
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';

const built = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
if (existsSync(built)) {
  await import(pathToFileURL(built).href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('../src/cli.ts');
}
