// The history's entries as columns of typed arrays, one slot per run: 72 bytes a slot here, about 120 with the
// run id table and the per-job lists, where one object per run costs over 300.

/** Flag bits of a slot. */
export const FLAG = {
  ok: 1,
  timedOut: 2,
  forcefullyTerminated: 4,
  /** Dropped by retention or the cap on runs; its segment is freed once all its slots are. */
  dropped: 8,
} as const;

/** status_code when the record has none (a signal, a spawn failure). */
export const NO_STATUS_CODE = -0x80000000;

const SPEC = {
  scheduledAt: Float64Array,
  begunAt: Float64Array,
  endedAt: Float64Array,
  /** The largest endedAt of this slot and of every slot placed before it. */
  maxEndedAt: Float64Array,
  durationMs: Float64Array,
  offset: Float64Array,
  length: Float64Array,
  statusCode: Int32Array,
  job: Uint32Array,
  reason: Uint32Array,
  file: Uint16Array,
  signal: Uint8Array,
  flags: Uint8Array,
} as const;

export type ColumnName = keyof typeof SPEC;
export type Columns = { [K in ColumnName]: InstanceType<(typeof SPEC)[K]> };

export function allocateColumns(capacity: number): Columns {
  const columns: Partial<Record<ColumnName, unknown>> = {};
  for (const [name, Type] of Object.entries(SPEC)) columns[name as ColumnName] = new Type(capacity);
  return columns as Columns;
}
