/**
 * JSON documents spread over lines, as exporters write them: pretty-printed objects one after
 * another (`evtx_dump` without `-o jsonl`, each after a `Record N` line), or one array of
 * events (`[`, then indented objects separated by commas, then `]`). Fed line by line, the
 * splitter finds where each top-level object (or each element of a top-level array) starts
 * and ends, by counting brackets outside strings, and hands back its text for `JSON.parse`.
 * One pass over each character, no backtracking; what it keeps is bounded (`MAX_DOCUMENT_CHARS`).
 *
 * A value that never closes must not swallow the rest of a file: past the bound it is given up
 * (reported with its lines) and the next lines are read afresh; and a `Record N` line, or in an
 * indented document an unindented `{`, which pretty-printers write only at the top level,
 * starts a new document (the one left open is reported).
 */

/** A document (one record) longer than this is reported, not kept. */
export const MAX_DOCUMENT_CHARS = 8 * 1024 * 1024;

/** `evtx_dump`'s header before each record of its default (pretty-printed) output. */
export const EVTX_DUMP_HEADER = /^Record [0-9]{1,20}$/;

export type DocumentPiece =
  | { readonly ok: true; readonly text: string; readonly line: number }
  | { readonly ok: false; readonly line: number; readonly lastLine: number; readonly reason: string };

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const COMMA = 0x2c;

/** JSON's whitespace (and a BOM, which some exporters put first). */
const isBlank = (c: number): boolean => c === 0x20 || c === 0x09 || c === 0x0d || c === 0x0a || c === 0xfeff;

/** Where a scalar array element starting at `from` ends: at the next comma or `]` outside a string, or the line's end. */
function scalarEnd(line: string, from: number): number {
  let inString = false;
  let escaped = false;
  for (let i = from; i < line.length; i++) {
    const c = line.charCodeAt(i);
    if (inString) {
      if (escaped) escaped = false;
      else if (c === BACKSLASH) escaped = true;
      else if (c === QUOTE) inString = false;
    } else if (c === QUOTE) inString = true;
    else if (c === COMMA || c === CLOSE_BRACKET) return i;
  }
  return line.length;
}

/**
 * Whether a trimmed line starts a document spread over lines: a lone `{` or `[` (or `[{`), as
 * pretty-printers write the first line, or one that opens with `{` or `[` and ends with one
 * (`{"Event": {`) or with a comma (`{"EventID": 4625,`), which no whole JSON value does.
 */
export function opensDocument(trimmed: string): boolean {
  const first = trimmed.charCodeAt(0);
  const last = trimmed.charCodeAt(trimmed.length - 1);
  return (
    (first === OPEN_BRACE || first === OPEN_BRACKET) && (last === OPEN_BRACE || last === OPEN_BRACKET || last === COMMA)
  );
}

/**
 * Whether a text whose first non-blank line is this holds JSON documents spread over lines (a
 * reader that takes a line as a record must read it with `LineReader` instead).
 */
export function startsJsonDocuments(firstLine: string): boolean {
  const trimmed = firstLine.trim();
  return opensDocument(trimmed) || EVTX_DUMP_HEADER.test(trimmed);
}

export class JsonDocumentSplitter {
  /** Brackets open in the current value (0: between values). */
  private depth = 0;
  private inString = false;
  private escaped = false;
  /** Inside a top-level array, whose elements are the documents. */
  private inArray = false;
  private arrayLine = 0;
  /** The current value's text from earlier lines, and its length. */
  private pieces: string[] = [];
  private kept = 0;
  private startLine = 0;
  /** Whether the open value's second line is indented (known from its second line on). */
  private indented = false;

  constructor(private readonly maxChars: number = MAX_DOCUMENT_CHARS) {}

  /** Whether a value or an array is open: the next line continues it. */
  get open(): boolean {
    return this.depth > 0 || this.inArray;
  }

  /** Whether a line starts a new top-level document while one is open (see above). */
  private restarts(line: string): boolean {
    if (this.depth === 0) return false;
    return EVTX_DUMP_HEADER.test(line) || (line === '{' && this.indented);
  }

  /** The documents (and problems) that this line completes; `lineNumber` is its number in the file. */
  feed(line: string, lineNumber: number): DocumentPiece[] {
    const out: DocumentPiece[] = [];
    if (this.depth > 0 && this.pieces.length === 1) this.indented = line.length > 0 && isBlank(line.charCodeAt(0));
    if (this.restarts(line)) {
      out.push(this.unclosed(lineNumber - 1, 'a JSON value not closed before the next document'));
      if (EVTX_DUMP_HEADER.test(line)) return out;
    }
    // Where the current value starts on this line (0 when it began on an earlier one).
    let start = 0;
    for (let i = 0; i < line.length; i++) {
      const c = line.charCodeAt(i);
      if (this.depth > 0) {
        if (this.inString) {
          if (this.escaped) this.escaped = false;
          else if (c === BACKSLASH) this.escaped = true;
          else if (c === QUOTE) this.inString = false;
        } else if (c === QUOTE) this.inString = true;
        else if (c === OPEN_BRACE || c === OPEN_BRACKET) this.depth++;
        else if ((c === CLOSE_BRACE || c === CLOSE_BRACKET) && --this.depth === 0) {
          const text = this.take(line.slice(start, i + 1));
          out.push(
            // An array inside the array of events holds no event itself.
            text.charCodeAt(0) === OPEN_BRACKET
              ? {
                  ok: false,
                  line: this.startLine,
                  lastLine: lineNumber,
                  reason: `an array element that is not a JSON object: ${JSON.stringify(text.slice(0, 40))}`,
                }
              : { ok: true, text, line: this.startLine },
          );
        }
        continue;
      }
      if (isBlank(c)) continue;
      if (c === OPEN_BRACE || (c === OPEN_BRACKET && this.inArray)) {
        this.depth = 1;
        this.startLine = lineNumber;
        start = i;
      } else if (c === OPEN_BRACKET) {
        this.inArray = true;
        this.arrayLine = lineNumber;
      } else if (this.inArray && c === COMMA) {
        // Between elements.
      } else if (this.inArray && c === CLOSE_BRACKET) {
        this.inArray = false;
      } else if (this.inArray) {
        // An element that is no object (a number, a string, ...): reported, and passed over to the next comma.
        const end = scalarEnd(line, i);
        out.push({
          ok: false,
          line: lineNumber,
          lastLine: lineNumber,
          reason: `an array element that is not a JSON object: ${JSON.stringify(line.slice(i, Math.min(end, i + 40)))}`,
        });
        i = end - 1;
      } else {
        // Between documents only whitespace may stand: the rest of the line is not read.
        out.push({
          ok: false,
          line: lineNumber,
          lastLine: lineNumber,
          reason: `text between JSON documents: ${JSON.stringify(line.slice(i, i + 40))}`,
        });
        return out;
      }
    }
    // A JSON string never spans lines: one left open here is broken (JSON.parse will say so), and
    // the next line is read as structure, where a `Record N` or `{` line can still end the value.
    this.inString = false;
    this.escaped = false;
    if (this.depth > 0) {
      const rest = line.slice(start);
      if (this.kept + rest.length + 1 > this.maxChars) {
        out.push(this.unclosed(lineNumber, `a JSON value longer than ${this.maxChars} characters`));
      } else {
        this.pieces.push(rest);
        this.kept += rest.length + 1;
      }
    }
    return out;
  }

  /** At the end of the input: what is left open, reported. */
  end(lastLine: number): DocumentPiece[] {
    const out: DocumentPiece[] = [];
    if (this.depth > 0) out.push(this.unclosed(lastLine, 'a JSON value not closed at the end of the input'));
    if (this.inArray) {
      out.push({
        ok: false,
        line: this.arrayLine,
        lastLine,
        reason: 'a JSON array not closed at the end of the input',
      });
      this.inArray = false;
    }
    return out;
  }

  /** The current value's whole text, its last part given; the splitter is then between values. */
  private take(last: string): string {
    this.indented = false;
    if (this.pieces.length === 0) return last;
    this.pieces.push(last);
    const text = this.pieces.join('\n');
    this.pieces = [];
    this.kept = 0;
    return text;
  }

  /** Gives up the open value (and any array around it): reported with its lines; the next line is read afresh. */
  private unclosed(lastLine: number, reason: string): DocumentPiece {
    const problem = { ok: false as const, line: this.startLine, lastLine: Math.max(lastLine, this.startLine), reason };
    this.depth = 0;
    this.inString = false;
    this.escaped = false;
    this.inArray = false;
    this.pieces = [];
    this.kept = 0;
    this.indented = false;
    return problem;
  }
}
