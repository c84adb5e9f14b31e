import { isAscii, isUtf8 } from 'node:buffer';
import { CopyBytes, FastNdjson } from './fast-ndjson';
import { ndjsonItem } from './formats/ndjson.format';
import { chunkLineText, LineChunk, RawLine, splitLines } from './formats/read-lines';
import { bulkCopyLine, TYPE_SPECS } from './ingestion.repository';
import { RecordType, Rejection, ValidRecord } from './records';
import { copyValue } from './sql-session';
import { validateRecord, ValidationContext } from './validate';

/** ParsedChunk.order codes besides an index into `copy`. */
export const NEXT_RECORD = 254;
export const NEXT_REJECTION = 255;

/**
 * One chunk of an NDJSON file, parsed and validated: what IngestionPipeline.pushParsed takes. Records of the
 * bulk types arrive as COPY text for their stage, the others as records; `order` keeps the file's order, so
 * the pipeline cuts batches exactly where it would have pushing the records one by one.
 */
export interface ParsedChunk {
  /** Items read: every line but blank ones. */
  read: number;
  /** Records read per type, rejected ones included (as IngestionPipeline.push counts them). */
  reads: Partial<Record<RecordType, number>>;
  /** Per item in line order: NEXT_REJECTION, NEXT_RECORD, or the index in `copy` of its type (next line). */
  order: Uint8Array;
  /** Lines that could not be parsed and records that failed validation, in line order. */
  rejections: Rejection[];
  /** Valid records of the other types, in line order. */
  records: ValidRecord[];
  /** Valid records of the bulk types: their COPY text (bulkCopyLine) as UTF-8, where each line ends, and its line in the file. */
  copy: { type: RecordType; text: Uint8Array; ends: Uint32Array; lines: Uint32Array }[];
  /** Partner customer references of the chunk's purchases, one per purchase line. */
  implicitKeys: string[];
}

export interface ParseOptions {
  /** Render the common line of a bulk type without JSON.parse (FastNdjson); off only to compare the two. */
  fastPath?: boolean;
}

/** Parses and validates a chunk of NDJSON lines; `bulkTypes` are rendered as COPY text. Pure. */
export function parseNdjsonChunk(
  file: string,
  chunk: LineChunk,
  ctx: ValidationContext,
  bulkTypes: readonly RecordType[],
  { fastPath = true }: ParseOptions = {},
): ParsedChunk {
  const out: ParsedChunk = { read: 0, reads: {}, order: new Uint8Array(0), rejections: [], records: [], copy: [], implicitKeys: [] };
  const { bytes, firstLine, count } = chunk;
  const order = new Uint8Array(count);
  // One COPY text per bulk type, in bulkTypes' order (order[] holds that index).
  const sinks = bulkTypes.map(() => new CopyBytes(bytes.length));
  const countRead = (type: RecordType) => (out.reads[type] = (out.reads[type] ?? 0) + 1);
  const general = (raw: RawLine) => {
    const item = ndjsonItem(file, raw);
    if (!item) return;
    const at = out.read++;
    if (item.rejection) {
      out.rejections.push(item.rejection);
      order[at] = NEXT_REJECTION;
      return;
    }
    const result = validateRecord(item.raw!, file, item.line, ctx);
    if ('reason' in result) {
      if (result.type) countRead(result.type as RecordType);
      out.rejections.push(result);
      order[at] = NEXT_REJECTION;
      return;
    }
    countRead(result.type);
    const k = bulkTypes.indexOf(result.type);
    if (k === -1) {
      out.records.push(result);
      order[at] = NEXT_RECORD;
      return;
    }
    if (result.type === 'purchase') out.implicitKeys.push(result.values.customerKey as string);
    sinks[k].addLine(bulkCopyLine(result), result.line);
    order[at] = k;
  };
  const ascii = isAscii(bytes);
  if (!fastPath || bulkTypes.length === 0 || !(ascii || isUtf8(bytes))) {
    for (const raw of splitLines(chunk)) general(raw);
  } else {
    // Line by line on the bytes, as splitLines would cut and decode them; most lines never become strings.
    const fast = fastPathFor(file, ctx, bulkTypes);
    let line = firstLine;
    for (let start = 0; start <= bytes.length; line++) {
      let nl = bytes.indexOf(0x0a, start);
      if (nl === -1) nl = bytes.length;
      const end = nl > start && bytes[nl - 1] === 0x0d ? nl - 1 : nl;
      const k = fast.render(bytes, start, end, line, sinks);
      if (k >= 0) {
        const type = bulkTypes[k];
        countRead(type);
        if (type === 'purchase') out.implicitKeys.push(bytes.toString('utf8', fast.customerKeyStart, fast.customerKeyEnd));
        order[out.read++] = k;
      } else {
        general({ line, text: chunkLineText(bytes, start, end, ascii) });
      }
      start = nl + 1;
    }
  }
  out.order = order.subarray(0, out.read);
  out.copy = bulkTypes.map((type, k) => ({
    type,
    text: sinks[k].bytes.subarray(0, sinks[k].length),
    ends: Uint32Array.from(sinks[k].ends),
    lines: Uint32Array.from(sinks[k].lines),
  }));
  return out;
}

/** The fast path for a file, kept while the same file's chunks come in (a worker parses one file at a time). */
let lastFast: { file: string; ctx: ValidationContext; bulkTypes: readonly RecordType[]; fast: FastNdjson } | undefined;

function fastPathFor(file: string, ctx: ValidationContext, bulkTypes: readonly RecordType[]): FastNdjson {
  if (lastFast?.file !== file || lastFast.ctx !== ctx || lastFast.bulkTypes !== bulkTypes) {
    const columns = Object.fromEntries(bulkTypes.map((t) => [t, TYPE_SPECS[t]!.columns]));
    lastFast = { file, ctx, bulkTypes, fast: new FastNdjson(ctx, columns, copyValue(file)) };
  }
  return lastFast.fast;
}
