// `@reboot`: no instant ever comes; the service runs the job once at start-up (once per boot is decided elsewhere).
import type { Schedule } from './schedule.ts';

export function createRebootSchedule(expression: string, timezone: string): Schedule {
  return {
    kind: 'reboot',
    expression,
    timezone,
    next: () => undefined,
    describe: () => 'at start-up',
  };
}
