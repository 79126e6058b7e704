// Calls `readNew` whenever the logs folder changes (a record appended, a new day's file), and at least every
// FOLLOW_POLL_MS in case the change is not seen (a network file system, a folder created later), until `signal`.
// Reads never overlap: a change during a read is one more read after it.
import fs from 'node:fs';

export const FOLLOW_POLL_MS = 1000;

export function followStatusLog(folder: string, readNew: () => Promise<void>, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    let watcher: fs.FSWatcher | undefined;
    let reading: Promise<void> | undefined;
    let readAgain = false;
    let failed = false;

    const read = (): void => {
      if (signal.aborted || failed) return;
      if (reading) {
        readAgain = true;
        return;
      }
      reading = (async () => {
        do {
          readAgain = false;
          await readNew();
        } while (readAgain && !signal.aborted);
      })().then(
        () => (reading = undefined),
        (error: unknown) => {
          failed = true;
          finish();
          reject(error instanceof Error ? error : new Error(String(error)));
        },
      );
    };
    const watch = (): void => {
      if (watcher) return;
      try {
        watcher = fs.watch(folder, { persistent: true }, read);
        watcher.on('error', () => {
          // The folder went away: polling goes on and watches it again once it is back.
          watcher?.close();
          watcher = undefined;
        });
      } catch {
        watcher = undefined;
      }
    };
    const timer = setInterval(() => {
      watch();
      read();
    }, FOLLOW_POLL_MS);
    const finish = (): void => {
      clearInterval(timer);
      watcher?.close();
      watcher = undefined;
    };
    signal.addEventListener(
      'abort',
      () => {
        finish();
        // NOTE: a read in progress ends first, so no record is cut in the middle of its line.
        void (reading ?? Promise.resolve()).then(() => resolve());
      },
      { once: true },
    );
    if (signal.aborted) {
      finish();
      resolve();
      return;
    }
    watch();
    // Records written between the first read and the watch being set up.
    read();
  });
}
