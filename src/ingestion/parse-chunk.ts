import { ndjsonItem } from './formats/ndjson.format';
import { LineChunk, splitLines } from './formats/read-lines';
import { bulkCopyLine } from './ingestion.repository';
import { RecordType, Rejection, ValidRecord } from './records';
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
  /** Valid records of the bulk types: their COPY text (bulkCopyLine) as UTF-8, and where each line ends. */
  copy: { type: RecordType; text: Uint8Array; ends: Uint32Array }[];
  /** Partner customer references of the chunk's purchases, one per purchase line. */
  implicitKeys: string[];
}

/** Parses and validates a chunk of NDJSON lines; `bulkTypes` are rendered as COPY text. Pure. */
export function parseNdjsonChunk(file: string, chunk: LineChunk, ctx: ValidationContext, bulkTypes: readonly RecordType[]): ParsedChunk {
  const out: ParsedChunk = { read: 0, reads: {}, order: new Uint8Array(0), rejections: [], records: [], copy: [], implicitKeys: [] };
  const lines = splitLines(chunk);
  const order = new Uint8Array(lines.length);
  const copy: { type: RecordType; lines: string[] }[] = [];
  // The common file holds one bulk type: remember where the last one went.
  let lastType: RecordType | undefined;
  let lastK = -1;
  for (const raw of lines) {
    const item = ndjsonItem(file, raw);
    if (!item) continue;
    const at = out.read++;
    if (item.rejection) {
      out.rejections.push(item.rejection);
      order[at] = NEXT_REJECTION;
      continue;
    }
    const result = validateRecord(item.raw!, file, item.line, ctx);
    if ('reason' in result) {
      if (result.type) out.reads[result.type as RecordType] = (out.reads[result.type as RecordType] ?? 0) + 1;
      out.rejections.push(result);
      order[at] = NEXT_REJECTION;
      continue;
    }
    out.reads[result.type] = (out.reads[result.type] ?? 0) + 1;
    if (!bulkTypes.includes(result.type)) {
      out.records.push(result);
      order[at] = NEXT_RECORD;
      continue;
    }
    if (result.type === 'purchase') out.implicitKeys.push(result.values.customerKey as string);
    if (result.type !== lastType) {
      lastType = result.type;
      lastK = copy.findIndex((c) => c.type === result.type);
      if (lastK === -1) lastK = copy.push({ type: result.type, lines: [] }) - 1;
    }
    copy[lastK].lines.push(bulkCopyLine(result));
    order[at] = lastK;
  }
  out.order = order.subarray(0, out.read);
  for (const { type, lines: copyLines } of copy) {
    const text = copyLines.join('');
    const bytes = Buffer.from(text);
    const ends = new Uint32Array(copyLines.length);
    // One byte a character unless the text holds other than ASCII.
    const measure = bytes.length === text.length ? (l: string) => l.length : (l: string) => Buffer.byteLength(l);
    let end = 0;
    for (let i = 0; i < copyLines.length; i++) ends[i] = end += measure(copyLines[i]);
    out.copy.push({ type, text: bytes, ends });
  }
  return out;
}
