// ANSI colours for terminal output; nothing is added when colour is off (a pipe, a file, NO_COLOR).

const SGR_CODES = { bold: 1, green: 32, red: 31, yellow: 33 } as const;

export type Tone = keyof typeof SGR_CODES;

export function paint(text: string, tone: Tone | undefined, colour: boolean): string {
  return colour && tone !== undefined ? `\u001b[${SGR_CODES[tone]}m${text}\u001b[0m` : text;
}
