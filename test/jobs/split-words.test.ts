import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { test } from 'node:test';
import { splitWords } from '../../src/jobs/split-words.ts';

function words(text: string): string[] {
  const split = splitWords(text);
  assert.ok(split.ok, `${text}: ${split.ok ? '' : split.error}`);
  return split.words;
}

test('blanks separate words; none gives no words', () => {
  assert.deepEqual(words('--since yesterday  -v\t--x'), ['--since', 'yesterday', '-v', '--x']);
  assert.deepEqual(words(''), []);
  assert.deepEqual(words('   '), []);
});

test("single quotes keep everything, backslashes included; '' is an empty word", () => {
  assert.deepEqual(words("--title 'Nightly run' 'a\\b' '' x"), ['--title', 'Nightly run', 'a\\b', '', 'x']);
  assert.deepEqual(words("pre'fix 'post"), ['prefix post']);
});

test('double quotes: a backslash escapes only $ ` " \\ and newline', () => {
  assert.deepEqual(words('"say \\"hi\\"" "a\\\\b" "\\$HOME" "\\n stays"'), ['say "hi"', 'a\\b', '$HOME', '\\n stays']);
  assert.deepEqual(words('"one\\\ntwo"'), ['onetwo']);
});

test('outside quotes a backslash keeps the next character', () => {
  assert.deepEqual(words('a\\ b c\\"d \\\\'), ['a b', 'c"d', '\\']);
});

test('a # starting a word starts a comment; inside a word it is a character', () => {
  assert.deepEqual(words('--x 1 # the rest is ignored'), ['--x', '1']);
  assert.deepEqual(words('a#b "#c" \\#d'), ['a#b', '#c', '#d']);
});

test('nothing is expanded: $, *, ~, ; and | are plain characters', () => {
  assert.deepEqual(words('$HOME *.txt ~ a;b x|y'), ['$HOME', '*.txt', '~', 'a;b', 'x|y']);
});

test('unbalanced quotes and a trailing backslash are errors that say where', () => {
  assert.deepEqual(splitWords('--x "open'), { ok: false, error: 'the " at character 5 is never closed' });
  assert.deepEqual(splitWords("it's"), { ok: false, error: "the ' at character 3 is never closed" });
  assert.deepEqual(splitWords('a \\'), {
    ok: false,
    error: 'a lone backslash at the end (write \\\\ for a backslash)',
  });
});

test('agrees with /bin/sh on quoting (no expansion involved)', () => {
  const samples = [
    `--title 'Nightly run' --tag "a b" c\\ d`,
    `"x\\"y" 'z\\' "\\\\"`,
    `'' "" a''b`,
    `mixed"dq"'sq'bare`,
  ];
  for (const sample of samples) {
    const out = execFileSync('/bin/sh', ['-c', `for w in ${sample}; do printf '%s\\0' "$w"; done`], {
      encoding: 'utf8',
    });
    assert.deepEqual(words(sample), out.split('\0').slice(0, -1), sample);
  }
});
