// Bounded capture of a job's output: keeps the first half and the last half of the bound, drops the middle, so a
// job printing gigabytes costs the service the bound and no more.

/** Stands in for the dropped middle; N counts the bytes cut, including the partial characters trimmed beside it. */
export function cutMarker(bytesCut: number): string {
  return `\n[... ${bytesCut} bytes cut ...]\n`;
}

export class BoundedCapture {
  readonly limitBytes: number;
  private readonly headLimit: number;
  private readonly tailLimit: number;
  private readonly headChunks: Buffer[] = [];
  private headBytes = 0;
  /** Ring buffer holding the latest bytes; allocated only once the head is full. */
  private ring: Buffer | undefined;
  /** Where the next byte goes in the ring, and how many bytes of the ring hold data. */
  private ringWrite = 0;
  private ringFilled = 0;
  private seenBytes = 0;

  constructor(limitBytes: number) {
    this.limitBytes = Math.max(0, Math.floor(limitBytes));
    this.headLimit = Math.floor(this.limitBytes / 2);
    this.tailLimit = this.limitBytes - this.headLimit;
  }

  /** Every byte pushed so far, kept or not. */
  get totalBytes(): number {
    return this.seenBytes;
  }

  /** More bytes were pushed than the bound holds: the middle is gone. */
  get truncated(): boolean {
    return this.seenBytes > this.limitBytes;
  }

  /** Each byte is copied at most once (the head once, the tail into the ring), whatever the chunk sizes. */
  push(chunk: Buffer): void {
    this.seenBytes += chunk.length;
    let rest = chunk;
    if (this.headBytes < this.headLimit) {
      const take = Math.min(this.headLimit - this.headBytes, rest.length);
      // NOTE: a copy, so the head never pins a whole 64 KiB pipe chunk for a few bytes.
      this.headChunks.push(Buffer.from(rest.subarray(0, take)));
      this.headBytes += take;
      rest = rest.subarray(take);
    }
    if (rest.length === 0 || this.tailLimit === 0) return;
    this.writeTail(rest);
  }

  private writeTail(bytes: Buffer): void {
    const ring = (this.ring ??= Buffer.allocUnsafe(this.tailLimit));
    // Only the last tailLimit bytes of a big chunk can survive: skip the rest without copying it.
    const source = bytes.length > this.tailLimit ? bytes.subarray(bytes.length - this.tailLimit) : bytes;
    const first = Math.min(source.length, this.tailLimit - this.ringWrite);
    source.copy(ring, this.ringWrite, 0, first);
    if (first < source.length) source.copy(ring, 0, first);
    this.ringWrite = (this.ringWrite + source.length) % this.tailLimit;
    this.ringFilled = Math.min(this.tailLimit, this.ringFilled + source.length);
  }

  private tailBuffer(): Buffer {
    if (!this.ring || this.ringFilled === 0) return Buffer.alloc(0);
    if (this.ringFilled < this.tailLimit) return this.ring.subarray(0, this.ringFilled);
    return Buffer.concat([this.ring.subarray(this.ringWrite), this.ring.subarray(0, this.ringWrite)]);
  }

  /**
   * The kept output as UTF-8; invalid bytes become U+FFFD (never throws). When cut, a character split by the cut
   * is dropped on both sides rather than shown as replacement characters.
   */
  text(): string {
    const head = Buffer.concat(this.headChunks, this.headBytes);
    const tail = this.tailBuffer();
    if (!this.truncated) return Buffer.concat([head, tail]).toString('utf8');
    const keptHead = head.subarray(0, completeUtf8Length(head));
    const keptTail = tail.subarray(leadingContinuationBytes(tail));
    const cut = this.seenBytes - keptHead.length - keptTail.length;
    return keptHead.toString('utf8') + cutMarker(cut) + keptTail.toString('utf8');
  }
}

/** Length of `bytes` without a multi-byte UTF-8 sequence left incomplete at its end. */
function completeUtf8Length(bytes: Buffer): number {
  // Look back at most 4 bytes for the lead byte of the last sequence.
  for (let back = 1; back <= Math.min(4, bytes.length); back++) {
    const byte = bytes[bytes.length - back] as number;
    if ((byte & 0xc0) === 0x80) continue; // a continuation byte: keep looking for its lead
    const needed =
      byte >= 0xc2 && byte <= 0xdf ? 2 : byte >= 0xe0 && byte <= 0xef ? 3 : byte >= 0xf0 && byte <= 0xf4 ? 4 : 1;
    return needed > back ? bytes.length - back : bytes.length;
  }
  return bytes.length;
}

/** Continuation bytes at the start of `bytes` (the rest of a character that began before the cut), at most 3. */
function leadingContinuationBytes(bytes: Buffer): number {
  let count = 0;
  while (count < 3 && count < bytes.length && ((bytes[count] as number) & 0xc0) === 0x80) count++;
  return count;
}
