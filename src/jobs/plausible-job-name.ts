// Whether a name written in job.ini (a trigger target) could name a job: a folder name (`backup`) or a PyCron-layout
// path (`5min/at0030/report.sh`). The job need not exist yet; the name must not leave the jobs folder.

export const JOB_NAME_EXPECTED = 'a job name (a job folder such as backup, or a PyCron path such as 5min/report.sh)';

export function isPlausibleJobName(name: string): boolean {
  if (name === '' || name.startsWith('/') || /[\0\r\n]/.test(name)) return false;
  return name.split('/').every((part) => part !== '' && part !== '.' && part !== '..');
}
