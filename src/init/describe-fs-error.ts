// One sentence for a file or folder that could not be created, with what to do about it.
const ERRNO_MEANINGS: Record<string, string> = {
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EROFS: 'the file system is read-only',
  ENOTDIR: 'a part of the path is a file, not a folder',
  ENOSPC: 'no space left on the device',
  EDQUOT: 'the disk quota is used up',
  ENAMETOOLONG: 'the path is too long',
  ELOOP: 'too many levels of symbolic links',
};

export function describeFsError(action: 'create' | 'write', target: string, error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  const meaning = code && ERRNO_MEANINGS[code];
  const cause = meaning ? `${meaning} (${code})` : error instanceof Error ? error.message : String(error);
  const hint =
    code === 'EACCES' || code === 'EPERM'
      ? ': run it as root (sudo) or choose a folder you can write with --prefix'
      : code === 'EROFS' || code === 'ENOTDIR'
        ? ': choose another folder with --prefix'
        : '';
  return `cannot ${action} ${target}: ${cause}${hint}`;
}
