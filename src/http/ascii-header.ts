// An HTTP header value from any text: printable ASCII only (a job name or message may hold other characters).

export function asciiHeader(text: string): string {
  return text.replace(/[^\x20-\x7e]/g, '?').slice(0, 500);
}
