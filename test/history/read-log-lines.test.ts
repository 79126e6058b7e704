import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { CHUNK_BYTES, readLogLines } from '../../src/history/read-log-lines.ts';
import { withLogsFolder } from './history-fixtures.ts';

interface SeenLine {
  offset: number;
  length: number;
  text: string;
}

async function readAll(file: string, from = 0): Promise<{ lines: SeenLine[]; end: number }> {
  const lines: SeenLine[] = [];
  const end = await readLogLines(file, from, (line) =>
    lines.push({ offset: line.offset, length: line.length, text: line.head.toString('utf8') }),
  );
  return { lines, end };
}

test('every complete line comes with its byte offset and length, across chunk boundaries', async () => {
  await withLogsFolder(async (dir) => {
    const texts = ['short', '', 'ü'.repeat(1000), 'a'.repeat(CHUNK_BYTES - 3), 'b'.repeat(CHUNK_BYTES * 2 + 7), 'end'];
    const file = path.join(dir, 'lines.log');
    fs.writeFileSync(file, texts.map((t) => `${t}\n`).join(''));
    const { lines, end } = await readAll(file);
    let offset = 0;
    const expected = texts.map((text) => {
      const line = { offset, length: Buffer.byteLength(text), text };
      offset += line.length + 1;
      return line;
    });
    assert.deepEqual(lines, expected);
    assert.equal(end, fs.statSync(file).size);
  });
});

test('a last line without its newline is left unread, and read from its offset once complete', async () => {
  await withLogsFolder(async (dir) => {
    const file = path.join(dir, 'lines.log');
    fs.writeFileSync(file, `one\ntwo\n${'t'.repeat(CHUNK_BYTES + 5)}`);
    const first = await readAll(file);
    assert.deepEqual(
      first.lines.map((l) => l.text),
      ['one', 'two'],
    );
    assert.equal(first.end, 8);
    fs.appendFileSync(file, 'hree\nfour\n');
    const second = await readAll(file, first.end);
    assert.deepEqual(second.lines, [
      { offset: 8, length: CHUNK_BYTES + 9, text: `${'t'.repeat(CHUNK_BYTES + 5)}hree` },
      { offset: CHUNK_BYTES + 18, length: 4, text: 'four' },
    ]);
    assert.equal(second.end, fs.statSync(file).size);
  });
});
