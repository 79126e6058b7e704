// Splits a line of arguments into words the way a POSIX shell does, without any expansion: job.ini's [trigger] and
// [cron] values (`report = --since yesterday --title "Nightly run"`) become argv entries.
// Rules (POSIX 2.2-2.3): blanks separate words; '...' keeps everything literally; in "..." a backslash escapes only
// $ ` " \ and newline; outside quotes a backslash keeps the next character; a # that starts a word starts a comment.
// $, *, ~, ; and | are ordinary characters: nothing is expanded and nothing is run.

export type SplitWordsResult = { ok: true; words: string[] } | { ok: false; error: string };

const BLANK = /[ \t\r\n]/;
const ESCAPED_IN_DOUBLE_QUOTES = '$`"\\\n';

/** Never throws: an unbalanced quote or a trailing lone backslash is an error that says where. */
export function splitWords(text: string): SplitWordsResult {
  const words: string[] = [];
  let word = '';
  // A word exists once any part of it is seen: `''` is one empty word, blanks alone are none.
  let inWord = false;
  let i = 0;
  const end = (): void => {
    if (inWord) words.push(word);
    word = '';
    inWord = false;
  };
  while (i < text.length) {
    const c = text[i] as string;
    if (BLANK.test(c)) {
      end();
      i++;
    } else if (c === '#' && !inWord) {
      break; // a comment runs to the end of the text
    } else if (c === "'") {
      const close = text.indexOf("'", i + 1);
      if (close === -1) return unbalanced("'", i);
      word += text.slice(i + 1, close);
      inWord = true;
      i = close + 1;
    } else if (c === '"') {
      const opened = i;
      i++;
      inWord = true;
      for (;;) {
        if (i >= text.length) return unbalanced('"', opened);
        const d = text[i] as string;
        if (d === '"') break;
        const next = text[i + 1];
        if (d === '\\' && next !== undefined && ESCAPED_IN_DOUBLE_QUOTES.includes(next)) {
          if (next !== '\n') word += next; // backslash-newline joins lines
          i += 2;
        } else {
          word += d;
          i++;
        }
      }
      i++;
    } else if (c === '\\') {
      const next = text[i + 1];
      if (next === undefined) return { ok: false, error: 'a lone backslash at the end (write \\\\ for a backslash)' };
      if (next !== '\n') {
        word += next;
        inWord = true;
      }
      i += 2;
    } else {
      word += c;
      inWord = true;
      i++;
    }
  }
  end();
  return { ok: true, words };
}

function unbalanced(quote: string, at: number): SplitWordsResult {
  return { ok: false, error: `the ${quote} at character ${at + 1} is never closed` };
}
