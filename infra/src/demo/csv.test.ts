import { describe, expect, it } from 'vitest';
import { CsvError, parseCsv, parseCsvRecords } from './csv.ts';

describe('parseCsv', () => {
  it('splits plain fields and records', () => {
    expect(parseCsv('a,b,c\n1,2,3\n')).toEqual([
      ['a', 'b', 'c'],
      ['1', '2', '3'],
    ]);
  });

  it('keeps the last record when the text does not end with a line break', () => {
    expect(parseCsv('a,b\n1,2')).toEqual([
      ['a', 'b'],
      ['1', '2'],
    ]);
  });

  it('reads empty fields, including a trailing one', () => {
    expect(parseCsv(',a,,\n')).toEqual([['', 'a', '', '']]);
  });

  it('unquotes quoted fields and reads doubled quotes as one quote', () => {
    expect(parseCsv('"node/1","say ""hi""",""\n')).toEqual([['node/1', 'say "hi"', '']]);
  });

  it('keeps commas and line breaks inside quotes', () => {
    expect(parseCsv('"a,b","line 1\nline 2",c\r\nd,e,f\r\n')).toEqual([
      ['a,b', 'line 1\nline 2', 'c'],
      ['d', 'e', 'f'],
    ]);
  });

  it('accepts CRLF line ends and a byte order mark', () => {
    expect(parseCsv('\uFEFFa,b\r\n1,2\r\n')).toEqual([
      ['a', 'b'],
      ['1', '2'],
    ]);
  });

  it('reads a lone carriage return as part of the field', () => {
    expect(parseCsv('a\rb,c\n')).toEqual([['a\rb', 'c']]);
  });

  it('reads nothing from empty text', () => {
    expect(parseCsv('')).toEqual([]);
  });

  it('refuses an unterminated quote and names the line it opened on', () => {
    expect(() => parseCsv('a,b\n1,"open\nstill open')).toThrow(
      new CsvError('a quoted field is never closed', 2),
    );
  });

  it('refuses text after a closing quote', () => {
    expect(() => parseCsv('"a"b,c\n')).toThrow(CsvError);
  });

  it('refuses a quote in the middle of an unquoted field', () => {
    expect(() => parseCsv('ab"c,d\n')).toThrow(/quote inside an unquoted field/);
  });
});

describe('parseCsvRecords', () => {
  it('keys records by the header and skips empty lines', () => {
    expect(parseCsvRecords('id,name\nnode/1,"Tesco, Leith"\n\nnode/2,\n')).toEqual([
      { id: 'node/1', name: 'Tesco, Leith' },
      { id: 'node/2', name: '' },
    ]);
  });

  it('refuses a record with the wrong number of fields, naming its line', () => {
    expect(() => parseCsvRecords('id,name\n"multi\nline",x\nshort\n')).toThrow(
      new CsvError('expected 2 fields, found 1', 4),
    );
  });

  it('reads nothing from a file without a header', () => {
    expect(parseCsvRecords('')).toEqual([]);
  });
});
