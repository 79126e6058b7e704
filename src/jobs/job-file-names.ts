// Which names in the jobs folder are never jobs, whatever their mode: hidden files, editor leftovers, READMEs
// and the two control files of a job folder. Also which names look like scripts (to hint at `chmod +x`), and the
// other special names of the jobs folder.

export const SCHEDULE_FILE = 'schedule';
export const JOB_INI_FILE = 'job.ini';

const EDITOR_LEFTOVER = /(~|\.swp|\.swo|\.bak|\.tmp)$|^#.*#$/i;
const SCRIPT_EXTENSION = /\.(sh|bash|zsh|ksh|fish|py|pl|rb|js|mjs|cjs|ts|php|lua|r|tcl|awk)$/i;

/** True for names that are never jobs (and never job-folder candidates). */
export function isIgnoredName(name: string): boolean {
  return (
    name.startsWith('.') ||
    EDITOR_LEFTOVER.test(name) ||
    /^readme/i.test(name) ||
    name === SCHEDULE_FILE ||
    name === JOB_INI_FILE
  );
}

/** A file name that suggests a script someone meant to run (used only to word a warning). */
export function looksLikeScript(name: string): boolean {
  return SCRIPT_EXTENSION.test(name);
}

/** A file with this name in a job folder pauses the job (as `enabled = false`); it is never the job's executable. */
export const DISABLED_FILE = 'disabled';

/** The folder of shared partial job.ini files (`proto = NAME` includes `_protos/NAME.ini`); it is not a job. */
export const PROTOS_FOLDER = '_protos';
