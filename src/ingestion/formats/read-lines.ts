import { isAscii } from 'node:buffer';
import { createReadStream } from 'node:fs';

/** A whole file is unreadable as the format it claims (wrong delimiter, UTF-16, binary): the load of that file stops. */
export class FileFormatError extends Error {
  constructor(readonly file: string, message: string) {
    super(`${file}: ${message}`);
    this.name = 'FileFormatError';
  }
}

export interface ByteProgress {
  add(bytes: number): void;
}

export interface RawLine {
  line: number;
  /** undefined when the bytes are not valid UTF-8. */
  text?: string;
  invalidUtf8?: { column: number };
}

const decoder = new TextDecoder('utf-8', { fatal: true });

function decodeLine(bytes: Buffer, line: number): RawLine {
  try {
    return { line, text: decoder.decode(bytes) };
  } catch {
    return { line, invalidUtf8: { column: firstInvalidUtf8(bytes) + 1 } };
  }
}

/** Index of the first byte that does not belong to a well-formed UTF-8 sequence (for the reject message). */
export function firstInvalidUtf8(b: Uint8Array): number {
  let i = 0;
  while (i < b.length) {
    const c = b[i];
    let n = 0;
    let min = 0;
    if (c < 0x80) {
      i += 1;
      continue;
    } else if (c >= 0xc2 && c <= 0xdf) {
      n = 1;
      min = 0x80;
    } else if (c >= 0xe0 && c <= 0xef) {
      n = 2;
      min = 0x800;
    } else if (c >= 0xf0 && c <= 0xf4) {
      n = 3;
      min = 0x10000;
    } else return i;
    let cp = c & (0x3f >> n);
    for (let k = 1; k <= n; k++) {
      const x = b[i + k];
      if (x === undefined || (x & 0xc0) !== 0x80) return i;
      cp = (cp << 6) | (x & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return i;
    i += n + 1;
  }
  return b.length;
}

/** Refuses files that are plainly not UTF-8 text before any record is read. */
export function sniffEncoding(file: string, head: Buffer): void {
  if (head.length >= 2 && ((head[0] === 0xff && head[1] === 0xfe) || (head[0] === 0xfe && head[1] === 0xff))) {
    throw new FileFormatError(file, 'file is UTF-16 (byte-order mark found); expected UTF-8');
  }
  if (head.subarray(0, 4096).includes(0)) throw new FileFormatError(file, 'file contains NUL bytes: binary or UTF-16, expected UTF-8 text');
}

/** A run of whole lines of a file, as read: `count` lines (LF or CRLF) starting at line `firstLine`. */
export interface LineChunk {
  bytes: Buffer;
  firstLine: number;
  count: number;
}

/**
 * Streams a file as runs of whole lines, about 1 MB each, memory bounded by the longest line. Refuses files
 * that are plainly not UTF-8 text before any line is handed over.
 */
export async function* readLineChunks(file: string, progress?: ByteProgress): AsyncGenerator<LineChunk> {
  let rest: Buffer = Buffer.alloc(0);
  let lineNo = 0;
  let first = true;
  for await (const chunk of createReadStream(file, { highWaterMark: 1 << 20 }) as AsyncIterable<Buffer>) {
    progress?.add(chunk.length);
    if (first) {
      sniffEncoding(file, chunk);
      first = false;
    }
    const buf = rest.length ? Buffer.concat([rest, chunk]) : chunk;
    const lastNl = buf.lastIndexOf(0x0a);
    if (lastNl === -1) {
      rest = buf;
      continue;
    }
    const bytes = buf.subarray(0, lastNl);
    rest = Buffer.from(buf.subarray(lastNl + 1));
    const count = countLines(bytes);
    yield { bytes, firstLine: lineNo + 1, count };
    lineNo += count;
  }
  if (!first && rest.length > 0) yield { bytes: rest, firstLine: lineNo + 1, count: 1 };
}

/** Lines in bytes that end before a final newline (so one more than the newlines inside). */
function countLines(bytes: Buffer): number {
  let n = 1;
  for (let i = bytes.indexOf(0x0a); i !== -1; i = bytes.indexOf(0x0a, i + 1)) n += 1;
  return n;
}

/**
 * A chunk's lines, CR of CRLF removed. Decodes the chunk at once and only falls back to line-by-line decoding
 * when it holds invalid UTF-8, so bad lines are pinpointed.
 */
export function splitLines({ bytes, firstLine }: LineChunk): RawLine[] {
  const lines: RawLine[] = [];
  let lineNo = firstLine;
  let text: string | undefined;
  if (isAscii(bytes)) {
    // Most feeds are plain ASCII: no decoding at all (a third of the time of the UTF-8 decoder).
    text = bytes.toString('latin1');
  } else {
    try {
      text = decoder.decode(bytes);
    } catch {
      text = undefined;
    }
  }
  if (text !== undefined) {
    for (const l of text.split('\n')) lines.push({ line: lineNo++, text: l.endsWith('\r') ? l.slice(0, -1) : l });
    return lines;
  }
  let start = 0;
  while (start <= bytes.length) {
    let nl = bytes.indexOf(0x0a, start);
    if (nl === -1) nl = bytes.length;
    let end = nl;
    if (end > start && bytes[end - 1] === 0x0d) end -= 1;
    lines.push(decodeLine(bytes.subarray(start, end), lineNo++));
    start = nl + 1;
  }
  return lines;
}

/**
 * The text splitLines gives the line at bytes [start, end) of a chunk that is valid UTF-8 (`ascii`: all of it
 * ASCII), without decoding the rest: the chunk is decoded as one, so only its first line can lose a byte-order mark.
 */
export function chunkLineText(bytes: Buffer, start: number, end: number, ascii: boolean): string {
  if (ascii) return bytes.toString('latin1', start, end);
  return start === 0 ? decoder.decode(bytes.subarray(start, end)) : bytes.toString('utf8', start, end);
}

/**
 * Streams a file as lines (LF or CRLF), memory bounded by the longest line. Yields each 1 MB chunk's lines
 * together: one await per chunk, not per line (bulk loads read millions).
 */
export async function* readLineBatches(file: string, progress?: ByteProgress): AsyncGenerator<RawLine[]> {
  for await (const chunk of readLineChunks(file, progress)) yield splitLines(chunk);
}

/** readLineBatches, a line at a time. */
export async function* readLines(file: string, progress?: ByteProgress): AsyncGenerator<RawLine> {
  for await (const lines of readLineBatches(file, progress)) yield* lines;
}
