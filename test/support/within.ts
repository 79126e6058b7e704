// Bounds a wait on something that may never happen (an event, a reply, a child's exit): past `timeoutMs` it rejects
// naming `what`, so the test fails saying what it waited for instead of hanging on a live handle. `onTimeout` (a
// SIGKILL, say) runs first, so nothing is left running.
export async function within<T>(
  promise: Promise<T>,
  timeoutMs: number,
  what: string,
  onTimeout: () => void = () => {},
): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      onTimeout();
      reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`));
    }, timeoutMs);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
