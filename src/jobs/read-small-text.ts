// Reads a small control file (`schedule`, `job.ini`) with synchronous calls. NOTE: deliberate: on 10,000 job
// folders fs.promises.readFile costs ~4 thread-pool round trips per file and tripled the scan time; a bounded
// sync read of a local file blocks the event loop for some tens of microseconds.
import { closeSync, openSync, readSync } from 'node:fs';

/** Control files larger than this are refused rather than read. */
export const MAX_CONTROL_FILE_BYTES = 64 * 1024;

// One buffer for every read: safe because the reads are synchronous, and it spares 64 KiB of garbage per file.
const buffer = Buffer.allocUnsafe(MAX_CONTROL_FILE_BYTES + 1);

export type SmallText = { ok: true; text: string } | { ok: false; gone: boolean; error: string };

/** Reads `file` as UTF-8 (BOM removed). `gone` when it no longer exists. Never throws. */
export function readSmallText(file: string): SmallText {
  let fd: number | undefined;
  try {
    fd = openSync(file, 'r');
    let length = 0;
    while (length < buffer.length) {
      const read = readSync(fd, buffer, length, buffer.length - length, length);
      if (read === 0) break;
      length += read;
    }
    if (length > MAX_CONTROL_FILE_BYTES)
      return {
        ok: false,
        gone: false,
        error: `larger than ${MAX_CONTROL_FILE_BYTES / 1024} KiB, which no schedule or job.ini needs`,
      };
    return { ok: true, text: buffer.toString('utf8', 0, length).replace(/^\uFEFF/, '') };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return { ok: false, gone: code === 'ENOENT' || code === 'ENOTDIR', error: (error as Error).message };
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
