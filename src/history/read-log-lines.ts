// Reads a status-log file from a byte offset as a stream of complete lines, in chunks, so that millions of lines
// never block the event loop for long and no line longer than MAX_WHOLE_LINE_BYTES is held whole in memory.
import fs from 'node:fs';

/** Bytes read per chunk; each read is an await, so other work runs between chunks. */
export const CHUNK_BYTES = 256 * 1024;
/** Lines up to this size are handed over whole; longer ones as their head and tail only. */
export const MAX_WHOLE_LINE_BYTES = 8 * 1024 * 1024;
/** What is kept of each end of a longer line: enough for every field of a record but its output and error. */
export const LINE_END_BYTES = 64 * 1024;

export interface LogLine {
  /** Byte offset of the line's first byte in the file. */
  offset: number;
  /** Bytes in the line, without its newline. */
  length: number;
  /** The whole line, or (whole = false) its first LINE_END_BYTES. Valid only during the callback. */
  head: Buffer;
  /** The whole line (the same buffer as head), or its last LINE_END_BYTES. */
  tail: Buffer;
  whole: boolean;
}

/**
 * Calls `onLine` for each complete (newline-ended) line from `from` on, then resolves with the offset just past
 * the last complete line: a line still being written (or torn by a crash) is left for the next read. `stopped` is
 * asked between chunks; once it says yes, the lines read so far count.
 */
export async function readLogLines(
  file: string,
  from: number,
  onLine: (line: LogLine) => void,
  stopped: () => boolean = () => false,
): Promise<number> {
  const handle = await fs.promises.open(file, 'r');
  try {
    const chunk = Buffer.allocUnsafe(CHUNK_BYTES);
    const pending = new PartialLine();
    let position = from;
    let lineStart = from;
    while (!stopped()) {
      const { bytesRead } = await handle.read(chunk, 0, CHUNK_BYTES, position);
      if (bytesRead === 0) break;
      const data = chunk.subarray(0, bytesRead);
      let at = 0;
      while (at < bytesRead) {
        const newline = data.indexOf(10, at);
        if (newline === -1) {
          pending.add(data.subarray(at));
          break;
        }
        const piece = data.subarray(at, newline);
        const offset = lineStart;
        lineStart = position + newline + 1;
        at = newline + 1;
        if (pending.empty) {
          onLine({ offset, length: piece.length, head: piece, tail: piece, whole: true });
        } else {
          pending.add(piece);
          onLine(pending.take(offset));
        }
      }
      position += bytesRead;
    }
    return lineStart;
  } finally {
    await handle.close();
  }
}

/** A line that spans chunks: its pieces (copied, the chunk is reused), or only its head and tail once too long. */
class PartialLine {
  private parts: Buffer[] = [];
  private bytes = 0;
  private head: Buffer | undefined;
  private tail = Buffer.alloc(0);

  get empty(): boolean {
    return this.bytes === 0;
  }

  add(piece: Buffer): void {
    if (piece.length === 0) return;
    this.bytes += piece.length;
    if (this.head === undefined && this.bytes <= MAX_WHOLE_LINE_BYTES) {
      this.parts.push(Buffer.from(piece));
      return;
    }
    if (this.head === undefined) {
      const joined = Buffer.concat([...this.parts, piece]);
      this.parts = [];
      this.head = Buffer.from(joined.subarray(0, LINE_END_BYTES));
      this.tail = Buffer.from(joined.subarray(-LINE_END_BYTES));
      return;
    }
    const joined = Buffer.concat([this.tail, piece]);
    this.tail = Buffer.from(joined.subarray(-LINE_END_BYTES));
  }

  take(offset: number): LogLine {
    const length = this.bytes;
    let line: LogLine;
    if (this.head === undefined) {
      const whole = Buffer.concat(this.parts);
      line = { offset, length, head: whole, tail: whole, whole: true };
    } else {
      line = { offset, length, head: this.head, tail: this.tail, whole: false };
    }
    this.parts = [];
    this.bytes = 0;
    this.head = undefined;
    this.tail = Buffer.alloc(0);
    return line;
  }
}
