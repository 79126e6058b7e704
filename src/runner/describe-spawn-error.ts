// Turns a failed spawn into one sentence a user can act on. The errno alone misleads: ENOENT may mean the file,
// its working directory or the interpreter named on its #! line, so look at the files to tell which.
import { closeSync, openSync, readSync, statSync, type Stats } from 'node:fs';

const ERRNO_MEANINGS: Record<string, string> = {
  E2BIG: 'the arguments and environment are too large',
  EAGAIN: 'the system cannot start more processes now',
  ELOOP: 'too many levels of symbolic links',
  EMFILE: 'too many open files in the service',
  ENAMETOOLONG: 'the path is too long',
  ENFILE: 'too many open files in the system',
  ENOMEM: 'out of memory',
  ENOTDIR: 'a part of the path is not a folder',
  ETXTBSY: 'the file is open for writing (text file busy)',
};

/** `file` is what was executed (the script, or /bin/sh for shell commands), `cwd` the run's working directory. */
export function describeSpawnError(error: unknown, file: string, cwd: string): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  const prefix = `cannot run ${file}`;
  if (code === 'ENOENT') return `${prefix}: ${describeNotFound(file, cwd)}`;
  if (code === 'EACCES') return `${prefix}: ${describeAccess(file)}`;
  if (code && ERRNO_MEANINGS[code]) return `${prefix}: ${ERRNO_MEANINGS[code]} (${code})`;
  const message = error instanceof Error ? error.message : String(error);
  return `${prefix}: ${message}`;
}

function describeNotFound(file: string, cwd: string): string {
  const fileStat = statOrUndefined(file);
  if (!fileStat) return 'no such file (ENOENT)';
  if (!statOrUndefined(cwd)?.isDirectory()) return `its working directory ${cwd} does not exist (ENOENT)`;
  const interpreter = readInterpreter(file);
  if (interpreter?.endsWith('\r')) {
    const shown = `${interpreter.slice(0, -1)}\\r`;
    return (
      `its #! line ends with a carriage return (Windows line endings), so its interpreter ${shown} ` +
      'does not exist (ENOENT): convert the file to Unix line endings (dos2unix)'
    );
  }
  if (interpreter !== undefined) return `its interpreter ${interpreter} does not exist (ENOENT): fix the #! line`;
  return 'no such file or directory (ENOENT)';
}

function describeAccess(file: string): string {
  const fileStat = statOrUndefined(file);
  if (fileStat?.isDirectory()) return 'it is a folder, not a program (EACCES)';
  if (fileStat && (fileStat.mode & 0o111) === 0) {
    return 'permission denied (EACCES): the file needs its exec bit (chmod +x)';
  }
  const interpreter = fileStat ? readInterpreter(file) : undefined;
  if (interpreter !== undefined) {
    return `permission denied (EACCES): its interpreter ${interpreter} is not an executable program: fix the #! line`;
  }
  return 'permission denied (EACCES): check its folders can be entered and its file system is not mounted noexec';
}

/** The program named on the file's #! line (without arguments), or undefined when it has none. */
function readInterpreter(file: string): string | undefined {
  let fd: number | undefined;
  try {
    fd = openSync(file, 'r');
    const buffer = Buffer.alloc(256);
    const length = readSync(fd, buffer, 0, buffer.length, 0);
    const text = buffer.toString('latin1', 0, length);
    if (!text.startsWith('#!')) return undefined;
    const line = text.slice(2).split('\n')[0] ?? '';
    const program = line.trim() === '' ? '' : (line.replace(/^[ \t]+/, '').split(/[ \t]/)[0] ?? '');
    return program === '' ? undefined : program;
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

function statOrUndefined(path: string): Stats | undefined {
  try {
    return statSync(path);
  } catch {
    return undefined;
  }
}
