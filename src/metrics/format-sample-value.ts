// A sample's value in the exposition text, written as prom-client writes it (so dashboards see no change).

export function formatSampleValue(value: number): string {
  if (Number.isNaN(value)) return 'Nan';
  if (value === Infinity) return '+Inf';
  if (value === -Infinity) return '-Inf';
  return `${value}`;
}
