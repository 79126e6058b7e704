// A child process for the kill -9 test: writes N status records, says so, then waits to be killed.
import { StatusLog } from '../../src/statuslog/status-log.ts';
import type { StatusRecord } from '../../src/statuslog/status-record.ts';

const [folder, count] = process.argv.slice(2);
const log = await StatusLog.open({ logsFolder: folder as string, retentionDays: 30 });
for (let i = 0; i < Number(count); i++)
  log.write({ run_id: `run-${i}`, output: 'x'.repeat(500) } as unknown as StatusRecord);
process.stdout.write('written\n');
setInterval(() => {}, 1000);
