// Runs a baseline (baseline-child.ts) in a separate plain Node process and returns its JSON report.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const CHILD = fileURLToPath(new URL('./baseline-child.ts', import.meta.url));

export function runBaseline(mode: string, input: unknown): Promise<unknown> {
  // The input goes through stdin: a thousand jobs' worth of JSON is over the kernel's limit for one argument.
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD, mode], { stdio: ['pipe', 'pipe', 'pipe'] });
  child.stdin!.end(JSON.stringify(input));
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  return new Promise<unknown>((resolve, reject) =>
    child.once('close', (code) => {
      if (code !== 0) reject(new Error(`baseline ${mode} exited with ${code}: ${stderr}`));
      else resolve(JSON.parse(stdout.trim().split('\n').pop() ?? 'null'));
    }),
  );
}
