// Starts json-server-child.ts (the API benchmark's baseline server) and resolves with its port and a stop().
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const CHILD = fileURLToPath(new URL('./json-server-child.ts', import.meta.url));

export function spawnJsonServer(bodyFile: string): Promise<{ port: number; pid: number; stop(): void }> {
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD, bodyFile], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (text: string) => (stderr += text));
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`the baseline server exited with ${code}: ${stderr}`)));
    child.stdout
      .setEncoding('utf8')
      .once('data', (text: string) =>
        resolve({ port: Number(text.trim()), pid: child.pid!, stop: () => child.kill('SIGKILL') }),
      );
  });
}
