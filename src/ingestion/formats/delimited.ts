import { createReadStream } from 'node:fs';
import { parse } from 'csv-parse';
import { Rejection } from '../records';
import { ByteProgress, FileFormatError, sniffEncoding } from './read-lines';

export interface TableRow {
  line: number;
  cells?: Record<string, string>;
  rejection?: Rejection;
}

export interface DelimitedOptions {
  delimiter: string;
  /** Columns the header must have; a missing one stops the file with a clear error. */
  requiredColumns: readonly string[];
  progress?: ByteProgress;
}

const decoder = new TextDecoder('utf-8', { fatal: true });

/**
 * A delimited text file with a header line, streamed through csv-parse (quoted fields, CRLF or LF). Raw bytes
 * are decoded per field so a line with invalid UTF-8 is rejected on its own; a short or long line is rejected
 * with its field count; an unclosed quote is rejected with csv-parse's message.
 */
export async function* readDelimited(file: string, options: DelimitedOptions): AsyncGenerator<TableRow> {
  const input = createReadStream(file, { highWaterMark: 1 << 20 });
  let lastRecordLine = 0;
  let sniffed = false;
  input.on('data', (chunk) => {
    const b = chunk as Buffer;
    options.progress?.add(b.length);
    if (!sniffed) {
      sniffed = true;
      try {
        sniffEncoding(file, b);
      } catch (error) {
        input.destroy(error as Error);
      }
    }
  });
  const parser = parse({
    delimiter: options.delimiter,
    encoding: null,
    info: true,
    relax_column_count: true,
    skip_records_with_error: true,
    skip_empty_lines: true,
    bom: true,
    // Runs synchronously as records are parsed (ahead of the consumer), so skip errors can be placed.
    on_record: (record, context) => {
      lastRecordLine = context.lines;
      return record;
    },
  });
  input.on('error', (error) => parser.destroy(error));
  input.pipe(parser);
  const skipped: TableRow[] = [];
  parser.on('skip', (err: Error & { lines?: number }) => {
    // csv-parse reports an unclosed quote where the file ends; the bad record starts after the last good one.
    const line = lastRecordLine + 1;
    lastRecordLine = err.lines ?? line;
    skipped.push({ line, rejection: { file, line, reason: `unreadable line (truncated?): ${err.message}` } });
  });

  let header: string[] | undefined;
  for await (const item of parser as AsyncIterable<{ record: Buffer[]; info: { lines: number } }>) {
    while (skipped.length) yield skipped.shift()!;
    const line = item.info.lines;
    const cells: string[] = [];
    let badColumn = 0;
    for (let i = 0; i < item.record.length; i++) {
      try {
        cells.push(decoder.decode(item.record[i]));
      } catch {
        badColumn = i + 1;
        break;
      }
    }
    if (!header) {
      if (badColumn) throw new FileFormatError(file, 'header line is not valid UTF-8');
      header = checkHeader(file, cells, options);
      continue;
    }
    if (badColumn) {
      const field = header[badColumn - 1];
      yield { line, rejection: { file, line, field, reason: `field ${field} is not valid UTF-8` } };
      continue;
    }
    if (cells.length !== header.length) {
      const reason =
        cells.length < header.length ? `truncated line: ${cells.length} of ${header.length} fields` : `too many fields: ${cells.length}, header has ${header.length}`;
      yield { line, rejection: { file, line, reason } };
      continue;
    }
    const row: Record<string, string> = {};
    for (let i = 0; i < header.length; i++) row[header[i]] = cells[i];
    yield { line, cells: row };
  }
  while (skipped.length) yield skipped.shift()!;
  if (!header) throw new FileFormatError(file, 'empty file: expected a header line');
}

function checkHeader(file: string, cells: string[], options: DelimitedOptions): string[] {
  const names = cells.map((c) => c.trim());
  const shown = (d: string) => (d === '\t' ? 'tab' : `"${d}"`);
  if (names.length === 1) {
    const other = [',', ';', '\t', '|'].find((d) => d !== options.delimiter && names[0].includes(d));
    if (other) throw new FileFormatError(file, `wrong delimiter: the header has one column containing ${shown(other)}; expected ${shown(options.delimiter)}-separated`);
  }
  const missing = options.requiredColumns.filter((c) => !names.includes(c));
  if (missing.length) throw new FileFormatError(file, `header lacks column(s) ${missing.join(', ')} (found: ${names.join(', ')})`);
  const dup = names.find((n, i) => names.indexOf(n) !== i);
  if (dup) throw new FileFormatError(file, `header repeats column ${dup}`);
  return names;
}
