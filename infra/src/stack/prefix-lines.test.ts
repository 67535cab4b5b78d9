import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { prefixLines } from './prefix-lines.ts';

describe('prefixLines', () => {
  it('prefixes every line, including one split across chunks and a last one without newline', async () => {
    const source = new PassThrough();
    const target = new PassThrough();
    let written = '';
    target.on('data', (chunk: Buffer) => {
      written += chunk.toString();
    });
    const done = prefixLines(source, '[intake] ', target);
    source.write('ready on 3000\nlisten');
    source.write('ing\r\n');
    source.end('bye');
    await done;
    expect(written).toBe('[intake] ready on 3000\n[intake] listening\n[intake] bye\n');
  });
});
