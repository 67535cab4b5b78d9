/**
 * A small RFC 4180 CSV reader: comma-separated, fields optionally in double quotes, a quote
 * inside a quoted field written twice, commas and line breaks allowed inside quotes, lines
 * ended by LF or CRLF. Malformed input throws a `CsvError` naming the line, because a demo
 * city silently built from a half-read file is worse than no city.
 */

export class CsvError extends Error {
  constructor(
    message: string,
    readonly line: number,
  ) {
    super(`CSV line ${line}: ${message}`);
    this.name = 'CsvError';
  }
}

/** Every record as its list of fields; a trailing line break does not make an empty record. */
export function parseCsv(text: string): string[][] {
  return readCsv(text).map((record) => record.fields);
}

interface CsvRecord {
  fields: string[];
  /** The line the record starts on, counting from 1, so errors can point at it. */
  line: number;
}

function readCsv(text: string): CsvRecord[] {
  const records: CsvRecord[] = [];
  let fields: string[] = [];
  let field = '';
  let quoted = false;
  let afterClosingQuote = false;
  let recordOpen = false;
  let line = 1;
  let recordLine = 1;
  let fieldStartLine = 1;
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;

  const endField = () => {
    fields.push(field);
    field = '';
    afterClosingQuote = false;
  };
  const endRecord = () => {
    endField();
    records.push({ fields, line: recordLine });
    fields = [];
    recordOpen = false;
  };

  while (i < text.length) {
    const char = text[i]!;
    if (!recordOpen) {
      recordOpen = true;
      recordLine = line;
    }
    if (quoted) {
      if (char === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i += 2;
          continue;
        }
        quoted = false;
        afterClosingQuote = true;
      } else {
        if (char === '\n') line += 1;
        field += char;
      }
      i += 1;
      continue;
    }
    if (char === ',') {
      endField();
    } else if (char === '\n' || (char === '\r' && text[i + 1] === '\n')) {
      endRecord();
      line += 1;
      if (char === '\r') i += 1;
    } else if (afterClosingQuote) {
      throw new CsvError(`unexpected ${JSON.stringify(char)} after a closing quote`, line);
    } else if (char === '"') {
      if (field !== '') throw new CsvError('a quote inside an unquoted field', line);
      quoted = true;
      fieldStartLine = line;
    } else {
      field += char;
    }
    i += 1;
  }

  if (quoted) throw new CsvError('a quoted field is never closed', fieldStartLine);
  if (recordOpen) endRecord();
  return records;
}

/**
 * Records keyed by the header line's names. Every record must have as many fields as the
 * header; empty lines are skipped.
 */
export function parseCsvRecords(text: string): Record<string, string>[] {
  const [header, ...rows] = readCsv(text);
  if (!header) return [];
  const names = header.fields;
  const records: Record<string, string>[] = [];
  for (const { fields, line } of rows) {
    if (fields.length === 1 && fields[0] === '') continue;
    if (fields.length !== names.length) {
      throw new CsvError(`expected ${names.length} fields, found ${fields.length}`, line);
    }
    const record: Record<string, string> = {};
    names.forEach((name, column) => {
      record[name] = fields[column]!;
    });
    records.push(record);
  }
  return records;
}
