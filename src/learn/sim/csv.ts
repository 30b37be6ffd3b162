/**
 * CSV as RFC 4180 says it: writing (CRLF lines, quotes doubled, fields quoted when needed) and
 * reading (quoted fields across lines, a reported problem per malformed record, never a throw).
 * Exported cells that a spreadsheet would run as a formula (= + - @ tab CR) get a leading
 * apostrophe, as OWASP recommends against CSV injection.
 */

export type CsvCell = string | number | boolean | null | undefined;

const FORMULA_START = /^[=+\-@\t\r]/;

/** A text cell made inert for spreadsheets; numbers are written as numbers and left alone. */
export function neutraliseFormula(value: string): string {
  return FORMULA_START.test(value) ? `'${value}` : value;
}

function cell(value: CsvCell): string {
  if (value === null || value === undefined) return '';
  const text =
    typeof value === 'number'
      ? Number.isFinite(value)
        ? String(value)
        : ''
      : typeof value === 'boolean'
        ? String(value)
        : neutraliseFormula(value);
  return /[",\r\n]|^\s|\s$/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** Rows to CSV text: CRLF after every record, as RFC 4180 writes it. */
export function writeCsv(rows: readonly (readonly CsvCell[])[]): string {
  return rows.map((row) => `${row.map(cell).join(',')}\r\n`).join('');
}

export interface CsvProblem {
  /** 1-based line where the record starts. */
  readonly line: number;
  readonly reason: string;
}

export interface CsvParseResult {
  readonly rows: string[][];
  readonly problems: CsvProblem[];
}

/** Records read at most; the rest is reported, not silently dropped. */
export const MAX_CSV_ROWS = 100_000;

/**
 * Reads CSV text (comma-separated, `"` quotes, CRLF or LF). A stray quote inside an unquoted
 * field is kept as text and reported; an unterminated quoted field ends the input and is reported.
 */
export function parseCsv(text: string): CsvParseResult {
  const rows: string[][] = [];
  const problems: CsvProblem[] = [];
  const input = text.startsWith('\uFEFF') ? text.slice(1) : text;
  let row: string[] = [];
  let field = '';
  let quoted = false;
  let inQuotes = false;
  let line = 1;
  let rowLine = 1;
  let i = 0;
  const endField = () => {
    row.push(field);
    field = '';
    quoted = false;
  };
  const endRow = () => {
    endField();
    if (rows.length < MAX_CSV_ROWS) rows.push(row);
    else if (rows.length === MAX_CSV_ROWS && problems.every((p) => p.reason !== 'too many rows')) {
      problems.push({ line: rowLine, reason: 'too many rows' });
    }
    row = [];
  };
  while (i < input.length) {
    const ch = input[i] as string;
    if (inQuotes) {
      if (ch === '"') {
        if (input[i + 1] === '"') {
          field += '"';
          i += 2;
          continue;
        }
        inQuotes = false;
        i++;
        continue;
      }
      if (ch === '\n') line++;
      field += ch;
      i++;
      continue;
    }
    if (ch === '"') {
      if (field === '' && !quoted) {
        inQuotes = true;
        quoted = true;
      } else {
        problems.push({ line, reason: 'quote inside an unquoted field' });
        field += ch;
      }
      i++;
      continue;
    }
    if (quoted && ch !== ',' && ch !== '\r' && ch !== '\n') {
      problems.push({ line, reason: 'text after a closing quote' });
      field += ch;
      i++;
      continue;
    }
    if (ch === ',') {
      endField();
      i++;
      continue;
    }
    if (ch === '\r' || ch === '\n') {
      endRow();
      i += ch === '\r' && input[i + 1] === '\n' ? 2 : 1;
      line++;
      rowLine = line;
      continue;
    }
    field += ch;
    i++;
  }
  if (inQuotes) problems.push({ line: rowLine, reason: 'unterminated quoted field' });
  if (field !== '' || row.length > 0 || quoted) endRow();
  return { rows, problems };
}
