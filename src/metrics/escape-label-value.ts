// Job names are folder names, so they may hold anything the exposition format must escape inside a label value.

/** Backslash, newline and double quote escaped as prom-client does (text format 0.0.4). */
export function escapeLabelValue(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
}
