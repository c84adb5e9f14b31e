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
  const order: number[] = [];
  const copy: { type: RecordType; lines: string[] }[] = [];
  for (const raw of splitLines(chunk)) {
    const item = ndjsonItem(file, raw);
    if (!item) continue;
    out.read += 1;
    if (item.rejection) {
      out.rejections.push(item.rejection);
      order.push(NEXT_REJECTION);
      continue;
    }
    const result = validateRecord(item.raw!, file, item.line, ctx);
    if ('reason' in result) {
      if (result.type) out.reads[result.type as RecordType] = (out.reads[result.type as RecordType] ?? 0) + 1;
      out.rejections.push(result);
      order.push(NEXT_REJECTION);
      continue;
    }
    out.reads[result.type] = (out.reads[result.type] ?? 0) + 1;
    if (!bulkTypes.includes(result.type)) {
      out.records.push(result);
      order.push(NEXT_RECORD);
      continue;
    }
    if (result.type === 'purchase') out.implicitKeys.push(result.values.customerKey as string);
    let k = copy.findIndex((c) => c.type === result.type);
    if (k === -1) k = copy.push({ type: result.type, lines: [] }) - 1;
    copy[k].lines.push(bulkCopyLine(result));
    order.push(k);
  }
  out.order = Uint8Array.from(order);
  for (const { type, lines } of copy) {
    const ends = new Uint32Array(lines.length);
    let end = 0;
    for (let i = 0; i < lines.length; i++) ends[i] = end += Buffer.byteLength(lines[i]);
    out.copy.push({ type, text: Buffer.from(lines.join('')), ends });
  }
  return out;
}
