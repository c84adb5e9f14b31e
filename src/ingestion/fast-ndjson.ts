import { FIELD_SPECS, FieldSpec, RecordType } from './records';
import { decimalDigits, realDate, ValidationContext } from './validate';

/** Where a bulk stage column's value comes from: a record field, or "_file" / "_line" (where it was read). */
export interface FastColumn {
  field?: string;
}

/** COPY text of one record type, growing as lines are added: where each line ends, and its line in the file. */
export class CopyBytes {
  bytes = new Uint8Array(0);
  length = 0;
  ends: number[] = [];
  lines: number[] = [];
  private static readonly encoder = new TextEncoder();

  /** @param capacity what to allocate once the first line comes (about what the chunk will need) */
  constructor(private readonly capacity: number) {}

  /** Room for `extra` more bytes. */
  reserve(extra: number): void {
    if (this.length + extra <= this.bytes.length) return;
    const grown = new Uint8Array(Math.max(this.capacity, this.bytes.length * 2, this.length + extra));
    grown.set(this.bytes.subarray(0, this.length));
    this.bytes = grown;
  }

  /** A whole line of COPY text (bulkCopyLine), any characters, for the record at line `at` of the file. */
  addLine(line: string, at: number): void {
    this.reserve(line.length * 3);
    this.length += CopyBytes.encoder.encodeInto(line, this.bytes.subarray(this.length)).written;
    this.ends.push(this.length);
    this.lines.push(at);
  }
}

/** A field of one record type as the fast path checks it. */
interface FastField {
  name: Uint8Array;
  spec: FieldSpec;
  /** For decimals: the most integer and fraction digits (decimalDigits). */
  intDigits: number;
  fracDigits: number;
  /** For enums: the allowed values as bytes. */
  values: Uint8Array[];
}

interface FastType {
  /** The type's name as bytes (lower case). */
  name: Uint8Array;
  /** Whether the source may send it (if not, validateRecord rejects the line). */
  allowed: boolean;
  fields: FastField[];
  /** Per stage column: the index in `fields`, or FILE / LINE. */
  columns: number[];
  /** Index in `fields` of a purchase's customerKey (its partner customer), else -1. */
  customerKey: number;
}

const FILE = -2;
const LINE = -3;
/** Fields a line may hold at most for the fast path (more: the general path). */
const MAX_FIELDS = 32;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const SPACE = 0x20;
const TAB = 0x09;
const TYPE = ascii('type');
const NULL = ascii('null');

function ascii(s: string): Uint8Array {
  return Uint8Array.from(s, (c) => c.charCodeAt(0));
}

function digit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

/**
 * The common NDJSON line of a bulk record type rendered straight from its bytes to COPY text: no decoding, no
 * JSON.parse, no record object. It takes flat objects of string and null values without escapes whose fields
 * are all valid. Anything else (numbers, arrays, escapes, a field that would be rejected, a type that is not
 * staged) it leaves alone, and the caller takes the line through JSON.parse and validateRecord, which decide
 * exactly as before. A line it takes renders byte for byte as bulkCopyLine(validateRecord(JSON.parse(line)))
 * would: the unit tests compare the two on generated lines, valid and broken.
 *
 * The bytes must be valid UTF-8 (the caller checks each chunk). Characters other than ASCII may sit inside
 * text values; at either end of a value (where trim() might remove one) or anywhere in a checked value they
 * send the line to the general path.
 */
export class FastNdjson {
  private readonly types: FastType[];
  private readonly fileText: Uint8Array;
  // Token ranges of the current line: field name start/end, value start/end (-1: null).
  private readonly nameStart = new Int32Array(MAX_FIELDS);
  private readonly nameEnd = new Int32Array(MAX_FIELDS);
  private readonly valueStart = new Int32Array(MAX_FIELDS);
  private readonly valueEnd = new Int32Array(MAX_FIELDS);
  /** Per field of the line's type: the token holding it, or -1. */
  private readonly tokenOf = new Int32Array(MAX_FIELDS);
  /** Where the last value trimmed starts and ends. */
  private from = 0;
  private to = 0;
  /** The partner customer reference of the last purchase rendered: [start, end) in its line's bytes. */
  customerKeyStart = 0;
  customerKeyEnd = 0;

  /**
   * @param stageColumns per bulk type, its stage columns in COPY order (a record field, "_file" or "_line");
   *   render() numbers the types in this order
   * @param fileText the file's name as a COPY value (escaped)
   */
  constructor(ctx: ValidationContext, stageColumns: Partial<Record<RecordType, readonly FastColumn[]>>, fileText: string) {
    this.fileText = new TextEncoder().encode(fileText);
    this.types = (Object.entries(stageColumns) as [RecordType, readonly FastColumn[]][]).map(([type, columns]) => {
      const names = Object.keys(FIELD_SPECS[type]);
      const fields = names.map((name) => {
        const spec = FIELD_SPECS[type][name];
        const digits = decimalDigits(name);
        return { name: ascii(name), spec, intDigits: digits.integer, fracDigits: digits.fraction, values: (spec.values ?? []).map(ascii) };
      });
      const columnFields = columns.map((c) => (c.field === '_file' ? FILE : c.field === '_line' ? LINE : names.indexOf(c.field ?? '')));
      if (columnFields.includes(-1)) throw new Error(`fast NDJSON path: a stage column of ${type} names no field of it`);
      return {
        name: ascii(type),
        allowed: ctx.allowedTypes.includes(type),
        fields,
        columns: columnFields,
        customerKey: type === 'purchase' ? names.indexOf('customerKey') : -1,
      };
    });
  }

  /**
   * Renders the line b[start, end) into out[type index] and returns that index, or -1 when the line needs the
   * general path. Nothing is written unless the whole line is taken.
   */
  render(b: Uint8Array, start: number, end: number, line: number, out: CopyBytes[]): number {
    const tokens = this.tokenize(b, start, end);
    if (tokens <= 0) return -1;
    const k = this.typeOf(b, tokens);
    if (k < 0) return -1;
    const t = this.types[k];
    if (!this.assign(b, tokens, t)) return -1;
    const sink = out[k];
    const before = sink.length;
    // More than a line can take: values are copied or lengthened by a few bytes (timestamps, \N, tabs), and
    // each written field drops its name and quotes. Typed arrays ignore writes past their end, so be generous.
    sink.reserve(2 * (end - start) + this.fileText.length + 32 + 3 * t.columns.length);
    if (!this.writeColumns(b, line, t, sink)) {
      sink.length = before;
      return -1;
    }
    sink.ends.push(sink.length);
    sink.lines.push(line);
    if (t.customerKey >= 0) {
      this.trim(b, this.tokenOf[t.customerKey]);
      this.customerKeyStart = this.from;
      this.customerKeyEnd = this.to;
    }
    return k;
  }

  /** Splits `{"name":"value"|null,...}` into token ranges; returns how many fields, or -1 for anything else. */
  private tokenize(b: Uint8Array, start: number, end: number): number {
    if (start >= end || b[start] !== 0x7b) return -1;
    let i = skipBlanks(b, start + 1, end);
    if (b[i] === 0x7d) return -1;
    let count = 0;
    for (;;) {
      if (count === MAX_FIELDS || i >= end || b[i] !== QUOTE) return -1;
      const nameEnd = stringEnd(b, i + 1, end);
      if (nameEnd < 0) return -1;
      this.nameStart[count] = i + 1;
      this.nameEnd[count] = nameEnd;
      i = skipBlanks(b, nameEnd + 1, end);
      if (i >= end || b[i] !== 0x3a) return -1;
      i = skipBlanks(b, i + 1, end);
      if (i >= end) return -1;
      if (b[i] === QUOTE) {
        const valueEnd = stringEnd(b, i + 1, end);
        if (valueEnd < 0) return -1;
        this.valueStart[count] = i + 1;
        this.valueEnd[count] = valueEnd;
        i = valueEnd + 1;
      } else if (i + 4 <= end && equalAt(b, i, NULL)) {
        this.valueStart[count] = -1;
        this.valueEnd[count] = -1;
        i += 4;
      } else return -1;
      count += 1;
      i = skipBlanks(b, i, end);
      if (i >= end) return -1;
      if (b[i] === 0x2c) {
        i = skipBlanks(b, i + 1, end);
        continue;
      }
      if (b[i] !== 0x7d) return -1;
      return skipBlanks(b, i + 1, end) === end ? count : -1;
    }
  }

  private isName(b: Uint8Array, token: number, name: Uint8Array): boolean {
    return this.nameEnd[token] - this.nameStart[token] === name.length && equalAt(b, this.nameStart[token], name);
  }

  /** The index of the line's type among this path's, or -1 (no or repeated "type", other types, blanks). */
  private typeOf(b: Uint8Array, tokens: number): number {
    let token = -1;
    for (let j = 0; j < tokens; j++) {
      if (this.isName(b, j, TYPE)) {
        if (token >= 0) return -1;
        token = j;
      }
    }
    if (token < 0 || !this.trim(b, token)) return -1;
    for (let k = 0; k < this.types.length; k++) {
      const name = this.types[k].name;
      if (this.to - this.from === name.length && equalIgnoringCase(b, this.from, name)) return this.types[k].allowed ? k : -1;
    }
    return -1;
  }

  /** Maps the line's tokens to the type's fields (tokenOf); false for a repeated field or an unknown one with a value. */
  private assign(b: Uint8Array, tokens: number, t: FastType): boolean {
    this.tokenOf.fill(-1, 0, t.fields.length);
    for (let j = 0; j < tokens; j++) {
      let f = 0;
      while (f < t.fields.length && !this.isName(b, j, t.fields[f].name)) f += 1;
      if (f < t.fields.length) {
        if (this.tokenOf[f] >= 0) return false;
        this.tokenOf[f] = j;
      } else if (!this.isName(b, j, TYPE) && this.trim(b, j)) return false;
    }
    return true;
  }

  /**
   * Sets [from, to) to the token's value without surrounding spaces; false when it is absent (null or blank).
   * Only spaces can surround it: tokenize refuses other control characters, and a value with a character
   * other than ASCII at either end is refused where it is written.
   */
  private trim(b: Uint8Array, token: number): boolean {
    let from = this.valueStart[token];
    if (from < 0) return false;
    let to = this.valueEnd[token];
    while (from < to && b[from] === SPACE) from += 1;
    while (to > from && b[to - 1] === SPACE) to -= 1;
    this.from = from;
    this.to = to;
    return from < to;
  }

  /** Writes the record's stage columns; false when a field would be rejected or needs the general path. */
  private writeColumns(b: Uint8Array, line: number, t: FastType, sink: CopyBytes): boolean {
    const out = sink.bytes;
    let at = sink.length;
    for (let c = 0; c < t.columns.length; c++) {
      if (c > 0) out[at++] = TAB;
      const f = t.columns[c];
      if (f === FILE) {
        out.set(this.fileText, at);
        at += this.fileText.length;
      } else if (f === LINE) {
        at = writeInt(out, at, line);
      } else {
        const field = t.fields[f];
        const token = this.tokenOf[f];
        if (token < 0 || !this.trim(b, token)) {
          if (field.spec.required) return false;
          out[at++] = BACKSLASH;
          out[at++] = 0x4e;
        } else {
          at = writeValue(b, this.from, this.to, field, out, at);
          if (at < 0) return false;
        }
      }
    }
    out[at++] = 0x0a;
    sink.length = at;
    return true;
  }
}

function skipBlanks(b: Uint8Array, i: number, end: number): number {
  while (i < end && (b[i] === SPACE || b[i] === TAB)) i += 1;
  return i;
}

/** Index of the quote closing a string that starts at i, or -1 if it holds an escape or a control character. */
function stringEnd(b: Uint8Array, i: number, end: number): number {
  for (; i < end; i++) {
    const c = b[i];
    if (c === QUOTE) return i;
    if (c === BACKSLASH || c < SPACE) return -1;
  }
  return -1;
}

function equalAt(b: Uint8Array, at: number, s: Uint8Array): boolean {
  for (let i = 0; i < s.length; i++) if (b[at + i] !== s[i]) return false;
  return true;
}

function equalIgnoringCase(b: Uint8Array, at: number, lower: Uint8Array): boolean {
  for (let i = 0; i < lower.length; i++) {
    const c = b[at + i];
    if ((c >= 0x41 && c <= 0x5a ? c + 0x20 : c) !== lower[i]) return false;
  }
  return true;
}

function upper(c: number): number {
  return c >= 0x61 && c <= 0x7a ? c - 0x20 : c;
}

function writeInt(out: Uint8Array, at: number, n: number): number {
  if (n < 0) {
    out[at++] = 0x2d;
    n = -n;
  }
  let digits = 1;
  for (let p = 10; p <= n; p *= 10) digits += 1;
  for (let i = at + digits - 1; i >= at; i--) {
    out[i] = 0x30 + (n % 10);
    n = Math.floor(n / 10);
  }
  return at + digits;
}

function copyRange(b: Uint8Array, from: number, to: number, out: Uint8Array, at: number): number {
  for (let i = from; i < to; i++) out[at++] = b[i];
  return at;
}

/** The number written by `count` ASCII digits at `from`, or -1. */
function digitsAt(b: Uint8Array, from: number, count: number): number {
  let n = 0;
  for (let i = from; i < from + count; i++) {
    const c = b[i];
    if (!digit(c)) return -1;
    n = n * 10 + (c - 0x30);
  }
  return n;
}

/** Writes a present field's canonical value as validateRecord + copyValue would, or returns -1 (general path). */
function writeValue(b: Uint8Array, from: number, to: number, field: FastField, out: Uint8Array, at: number): number {
  const spec = field.spec;
  const length = to - from;
  switch (spec.kind) {
    case 'text':
      // trim() would also remove white space beyond ASCII, which starts and ends with such bytes.
      if (b[from] > 0x7f || b[to - 1] > 0x7f) return -1;
      return copyRange(b, from, to, out, at);
    case 'enum':
      for (const value of field.values) {
        if (value.length !== length) continue;
        let i = 0;
        while (i < length && upper(b[from + i]) === value[i]) i += 1;
        if (i === length) {
          out.set(value, at);
          return at + length;
        }
      }
      return -1;
    case 'currency':
      if (length !== 3) return -1;
      for (let i = from; i < to; i++) {
        const c = upper(b[i]);
        if (c < 0x41 || c > 0x5a) return -1;
        out[at++] = c;
      }
      return at;
    case 'mcc':
    case 'lastFour':
      if (length !== 4 || digitsAt(b, from, 4) < 0) return -1;
      return copyRange(b, from, to, out, at);
    case 'decimal': {
      let i = from;
      const sign = b[i];
      if (sign === 0x2b || sign === 0x2d) i += 1;
      const intStart = i;
      while (i < to && digit(b[i])) i += 1;
      if (i - intStart < 1 || i - intStart > field.intDigits) return -1;
      if (i < to) {
        if (b[i] !== 0x2e) return -1;
        const fracStart = ++i;
        while (i < to && digit(b[i])) i += 1;
        if (i !== to || i - fracStart < 1 || i - fracStart > field.fracDigits) return -1;
      }
      // A leading "+" is dropped.
      return copyRange(b, sign === 0x2b ? from + 1 : from, to, out, at);
    }
    case 'int': {
      let i = from;
      const sign = b[i];
      if (sign === 0x2b || sign === 0x2d) i += 1;
      if (to - i < 1 || to - i > 9) return -1;
      const magnitude = digitsAt(b, i, to - i);
      if (magnitude < 0) return -1;
      const n = sign === 0x2d ? -magnitude : magnitude;
      if (spec.min !== undefined && n < spec.min) return -1;
      // As String(Number(s)): no sign on zero, no leading zeros.
      return writeInt(out, at, n);
    }
    case 'date':
      if (length !== 10 || !calendarDate(b, from)) return -1;
      return copyRange(b, from, to, out, at);
    case 'timestamp':
      return writeTimestamp(b, from, to, out, at);
    default:
      // Lists and source codes: JSON values, left to the general path.
      return -1;
  }
}

/** YYYY-MM-DD at `from`, a real date. */
function calendarDate(b: Uint8Array, from: number): boolean {
  if (b[from + 4] !== 0x2d || b[from + 7] !== 0x2d) return false;
  const y = digitsAt(b, from, 4);
  const m = digitsAt(b, from + 5, 2);
  const d = digitsAt(b, from + 8, 2);
  return y >= 0 && m >= 0 && d >= 0 && realDate(y, m, d);
}

/**
 * UTC timestamps with a time and "Z" (YYYY-MM-DD[T ]HH:MM[:SS[.mmm]]Z), written as validateRecord's canonical
 * YYYY-MM-DDTHH:MM:SS.mmmZ. Other forms (dates alone, offsets, other fractions) take the general path.
 */
function writeTimestamp(b: Uint8Array, from: number, to: number, out: Uint8Array, at: number): number {
  const length = to - from;
  if (length !== 17 && length !== 20 && length !== 24) return -1;
  if (!calendarDate(b, from) || b[to - 1] !== 0x5a) return -1;
  const sep = b[from + 10];
  if ((sep !== 0x54 && sep !== SPACE) || b[from + 13] !== 0x3a) return -1;
  const hh = digitsAt(b, from + 11, 2);
  const mm = digitsAt(b, from + 14, 2);
  if (hh < 0 || hh > 23 || mm < 0 || mm > 59) return -1;
  if (length >= 20) {
    const ss = b[from + 16] === 0x3a ? digitsAt(b, from + 17, 2) : -1;
    if (ss < 0 || ss > 59) return -1;
  }
  if (length === 24 && (b[from + 19] !== 0x2e || digitsAt(b, from + 20, 3) < 0)) return -1;
  at = copyRange(b, from, from + 10, out, at);
  out[at++] = 0x54;
  at = copyRange(b, from + 11, from + 16, out, at);
  out[at++] = 0x3a;
  at = length >= 20 ? copyRange(b, from + 17, from + 19, out, at) : copyRange(ZEROS, 0, 2, out, at);
  out[at++] = 0x2e;
  at = length === 24 ? copyRange(b, from + 20, from + 23, out, at) : copyRange(ZEROS, 0, 3, out, at);
  out[at++] = 0x5a;
  return at;
}

const ZEROS = ascii('000');
