import { SourceItem } from '../records';
import { readDelimited } from './delimited';
import { ByteProgress } from './read-lines';

/**
 * Canonical CSV: RFC 4180, comma-separated, UTF-8, a header line with the canonical field names (camelCase)
 * including `type`; an empty cell is an absent value; list fields are "a|b|c".
 */
export async function* readCsv(file: string, progress?: ByteProgress): AsyncGenerator<SourceItem> {
  for await (const row of readDelimited(file, { delimiter: ',', requiredColumns: ['type'], progress })) {
    if (row.rejection) yield { file, line: row.line, rejection: row.rejection };
    else yield { file, line: row.line, raw: row.cells };
  }
}
