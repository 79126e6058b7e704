// Cuts a byte stream into newline-terminated lines, refusing to hold more than a bound for one line, so a client
// that never sends a newline cannot make the service buffer without end.

export interface SplitResult {
  /** Complete lines, without their newline. */
  lines: Buffer[];
  /** True once a line grew past the bound; the splitter then keeps nothing more. */
  overflow: boolean;
}

export class LineSplitter {
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private overflowed = false;

  constructor(private readonly maxLineBytes: number) {}

  push(chunk: Buffer): SplitResult {
    const lines: Buffer[] = [];
    if (this.overflowed) return { lines, overflow: true };
    let start = 0;
    for (let at = chunk.indexOf(0x0a); at !== -1; at = chunk.indexOf(0x0a, start)) {
      const piece = chunk.subarray(start, at);
      if (this.pendingBytes + piece.length > this.maxLineBytes) return this.overflow(lines);
      lines.push(this.pendingBytes === 0 ? piece : Buffer.concat([...this.pending, piece]));
      this.pending = [];
      this.pendingBytes = 0;
      start = at + 1;
    }
    const rest = chunk.subarray(start);
    if (this.pendingBytes + rest.length > this.maxLineBytes) return this.overflow(lines);
    if (rest.length > 0) {
      this.pending.push(rest);
      this.pendingBytes += rest.length;
    }
    return { lines, overflow: false };
  }

  private overflow(lines: Buffer[]): SplitResult {
    this.overflowed = true;
    this.pending = [];
    this.pendingBytes = 0;
    return { lines, overflow: true };
  }
}
