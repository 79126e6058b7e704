// A systemd unit file as section -> key -> values (a key may repeat), for asserting what a unit sets.
export type UnitFile = Record<string, Record<string, string[]>>;

export function readUnitFile(text: string): UnitFile {
  const unit: UnitFile = {};
  let section: Record<string, string[]> | undefined;
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue;
    const header = /^\[(.+)\]$/.exec(line);
    if (header) {
      section = unit[header[1]!] ??= {};
      continue;
    }
    const at = line.indexOf('=');
    if (!section || at < 0) throw new Error(`not a unit file line: ${raw}`);
    (section[line.slice(0, at).trim()] ??= []).push(line.slice(at + 1).trim());
  }
  return unit;
}
