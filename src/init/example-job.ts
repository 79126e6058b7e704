// The one job `pycron init` puts in a new jobs folder: a job folder (schedule file + one executable) that shows the
// layout and proves the service runs, without touching anything.
export interface ExampleJobFile {
  name: string;
  text: string;
  mode: number;
}

export const EXAMPLE_JOB: { name: string; rhythm: string; files: readonly ExampleJobFile[] } = {
  name: 'heartbeat',
  rhythm: 'every 5 minutes',
  files: [
    {
      name: 'schedule',
      mode: 0o644,
      text: [
        '# When the job runs. The first line that is not blank and not a comment is the schedule: 5-field cron',
        "# ('30 2 * * *'), 'every 30s' / '5m' / '2h' / '1d', '@daily', PyCron's '1hour at0030', with an optional",
        "# 'TZ=Europe/Berlin ' prefix. Several lines: several schedules. Try it: pycron next heartbeat -n 5",
        'every 5m',
        '',
      ].join('\n'),
    },
    {
      name: 'heartbeat.sh',
      mode: 0o755,
      text: [
        '#!/bin/sh',
        '# An example job. A job folder holds a `schedule` file and one executable file (this one): pycron runs it in',
        '# this folder, records its exit code, stdout and stderr in job_status.log, and retries it after a failure.',
        '# Stop it: add an empty file named `disabled` here, or delete the folder. Run it now: pycron run heartbeat',
        'echo "heartbeat from $PYCRON_JOB: run $PYCRON_RUN_ID for slot $PYCRON_SCHEDULED_AT"',
        '',
      ].join('\n'),
    },
  ],
};
