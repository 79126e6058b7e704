// Run id -> index within one segment of the history, compactly: a run id in canonical UUID form (every id pycron
// makes) is kept as four 32-bit words, found through an open-addressing hash of indexes; any other id goes to a
// Map. The capacity is fixed, so the table never rehashes (a rehash of a million ids stalled the loop 180 ms).

const EMPTY = -1;
/** Where a canonical UUID has its dashes. */
const DASHES = [8, 13, 18, 23];

export class RunIdTable {
  private readonly words: Uint32Array;
  /** Index per bucket, EMPTY when free; twice as many buckets as indexes, so at most half full. */
  private readonly buckets: Int32Array;
  private readonly otherIds = new Map<string, number>();
  private readonly otherByIndex = new Map<number, string>();

  constructor(capacity: number) {
    this.words = new Uint32Array(capacity * 4);
    this.buckets = new Int32Array(capacity * 2).fill(EMPTY);
  }

  /** Records that `index` holds `runId`; each index is set once. */
  set(index: number, runId: string): void {
    if (!parseUuid(runId, this.words, index * 4)) {
      this.otherIds.set(runId, index);
      this.otherByIndex.set(index, runId);
      return;
    }
    const mask = this.buckets.length - 1;
    let b = hashOf(this.words, index * 4) & mask;
    while (this.buckets[b] !== EMPTY) b = (b + 1) & mask;
    this.buckets[b] = index;
  }

  /** The index that holds `runId`, or -1. */
  find(runId: string): number {
    if (!parseUuid(runId, SCRATCH, 0)) return this.otherIds.get(runId) ?? -1;
    const { words, buckets } = this;
    const mask = buckets.length - 1;
    for (let b = hashOf(SCRATCH, 0) & mask; ; b = (b + 1) & mask) {
      const index = buckets[b]!;
      if (index === EMPTY) return -1;
      const at = index * 4;
      if (
        words[at] === SCRATCH[0] &&
        words[at + 1] === SCRATCH[1] &&
        words[at + 2] === SCRATCH[2] &&
        words[at + 3] === SCRATCH[3]
      ) {
        return index;
      }
    }
  }

  idAt(index: number): string {
    const other = this.otherByIndex.get(index);
    if (other !== undefined) return other;
    let hex = '';
    for (let i = 0; i < 4; i++) hex += this.words[index * 4 + i]!.toString(16).padStart(8, '0');
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  }
}

const SCRATCH = new Uint32Array(4);

/** Writes a canonical (lower-case) UUID as four words at `into[at]`; false (and `into` unspecified) for any other id. */
function parseUuid(runId: string, into: Uint32Array, at: number): boolean {
  if (runId.length !== 36) return false;
  for (const dash of DASHES) if (runId.charCodeAt(dash) !== 0x2d) return false;
  let word = 0;
  let nibbles = 0;
  for (let i = 0; i < 36; i++) {
    if (i === 8 || i === 13 || i === 18 || i === 23) continue;
    const code = runId.charCodeAt(i);
    const nibble = code >= 0x30 && code <= 0x39 ? code - 0x30 : code >= 0x61 && code <= 0x66 ? code - 0x57 : -1;
    if (nibble < 0) return false;
    word = ((word << 4) | nibble) >>> 0;
    if (++nibbles % 8 === 0) {
      into[at + nibbles / 8 - 1] = word;
      word = 0;
    }
  }
  return true;
}

/** Random UUIDs are well mixed already; the multiply spreads ids that share a prefix (time-ordered UUIDs). */
function hashOf(words: Uint32Array, at: number): number {
  const w0 = words[at]!;
  const w3 = words[at + 3]!;
  return (Math.imul(w0 ^ w3, 0x9e3779b1) >>> 0) ^ (w3 >>> 16);
}
