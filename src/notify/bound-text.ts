// Bounds a job's output before it goes into a mail or a webhook: the head and the tail are kept, the middle is cut.

/** Characters of stdout, and of stderr, a notification carries (the status log keeps the whole capture). */
export const NOTIFY_OUTPUT_MAX_CHARS = 64 * 1024;

export interface BoundedText {
  text: string;
  /** Characters dropped from the middle; 0 when the text fitted. */
  cut: number;
}

/** `text` if it fits in `maxChars`; else its head and tail around a line saying how much was cut. */
export function boundText(text: string, maxChars: number = NOTIFY_OUTPUT_MAX_CHARS): BoundedText {
  if (text.length <= maxChars) return { text, cut: 0 };
  const head = Math.ceil(maxChars / 2);
  const tail = maxChars - head;
  const cut = text.length - maxChars;
  return { text: `${text.slice(0, head)}\n[... ${cut} characters cut ...]\n${text.slice(text.length - tail)}`, cut };
}
