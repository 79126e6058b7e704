import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BoundedCapture, cutMarker } from '../../src/runner/capture.ts';

function capture(limit: number, ...chunks: (string | Buffer)[]): BoundedCapture {
  const c = new BoundedCapture(limit);
  for (const chunk of chunks) c.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
  return c;
}

describe('BoundedCapture', () => {
  it('keeps everything up to the bound exactly, with no marker', () => {
    const c = capture(10, 'abc', 'defg', 'hij');
    assert.equal(c.text(), 'abcdefghij');
    assert.equal(c.truncated, false);
    assert.equal(c.totalBytes, 10);
  });

  it('one byte over the bound cuts exactly one byte from the middle', () => {
    const c = capture(10, 'abcdefghijk');
    assert.equal(c.text(), `abcde${cutMarker(1)}ghijk`);
    assert.equal(c.truncated, true);
    assert.equal(c.totalBytes, 11);
  });

  it('keeps the first half and the last half whatever the chunking', () => {
    const text = 'The quick brown fox jumps over the lazy dog, then naps for a while.';
    const expected = `${text.slice(0, 8)}${cutMarker(text.length - 16)}${text.slice(-8)}`;
    for (const size of [1, 2, 3, 7, 8, 9, 16, 17, text.length]) {
      const chunks: string[] = [];
      for (let i = 0; i < text.length; i += size) chunks.push(text.slice(i, i + size));
      assert.equal(capture(16, ...chunks).text(), expected, `chunks of ${size}`);
    }
  });

  it('an odd bound gives the extra byte to the tail', () => {
    assert.equal(capture(5, 'abcdefgh').text(), `ab${cutMarker(3)}fgh`);
  });

  it('a ring that wraps several times keeps the latest bytes in order', () => {
    const c = new BoundedCapture(8);
    for (let i = 0; i < 1000; i++) c.push(Buffer.from(String(i % 10)));
    assert.equal(c.text(), `0123${cutMarker(992)}6789`);
    assert.equal(c.totalBytes, 1000);
  });

  it('a chunk bigger than the whole bound keeps its own head and tail', () => {
    const big = 'A'.repeat(100) + 'B'.repeat(1000) + 'C'.repeat(100);
    assert.equal(capture(20, big).text(), `${'A'.repeat(10)}${cutMarker(1180)}${'C'.repeat(10)}`);
  });

  it('decodes a multi-byte character split across chunks', () => {
    const bytes = Buffer.from('ação 😀 ok');
    const c = new BoundedCapture(1024);
    for (const byte of bytes) c.push(Buffer.from([byte]));
    assert.equal(c.text(), 'ação 😀 ok');
  });

  it('drops a character split by the cut instead of showing replacement characters', () => {
    // 'é' is 2 bytes, '😀' 4 bytes: the head ends inside 'é', the tail starts inside '😀'.
    const text = 'abcdé' + 'x'.repeat(50) + '😀yz';
    const c = capture(10, text);
    // head = 'abcd' + first byte of é (dropped); tail = last 3 bytes of 😀 (dropped) + 'yz'.
    const cut = Buffer.byteLength(text) - 4 - 2;
    assert.equal(c.text(), `abcd${cutMarker(cut)}yz`);
  });

  it('keeps a complete character that ends exactly at the head boundary', () => {
    const c = capture(8, 'abé' + 'x'.repeat(20) + 'wxyz');
    assert.equal(c.text(), `abé${cutMarker(20)}wxyz`);
  });

  it('turns binary bytes into replacement characters and never throws', () => {
    const c = capture(64, Buffer.from([0x00, 0xff, 0xfe, 0x80, 0xc0, 0x41]));
    assert.equal(c.text(), '\u0000\ufffd\ufffd\ufffd\ufffdA');
  });

  it('a zero bound keeps nothing but counts everything', () => {
    const c = capture(0, 'hello');
    assert.equal(c.text(), cutMarker(5));
    assert.equal(c.totalBytes, 5);
    assert.equal(c.truncated, true);
  });

  it('memory stays at the bound however much is pushed', () => {
    const c = new BoundedCapture(1024);
    const chunk = Buffer.alloc(65536, 0x78);
    for (let i = 0; i < 800; i++) c.push(chunk); // 50 MiB
    assert.equal(c.totalBytes, 800 * 65536);
    const text = c.text();
    assert.equal(text, 'x'.repeat(512) + cutMarker(800 * 65536 - 1024) + 'x'.repeat(512));
  });
});
