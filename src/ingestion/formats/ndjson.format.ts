import { SourceItem } from '../records';
import { ByteProgress, RawLine, readLineBatches } from './read-lines';

/** NDJSON: one JSON object per line; blank lines are skipped. Each object carries its own `type`. */
export async function* readNdjson(file: string, progress?: ByteProgress): AsyncGenerator<SourceItem> {
  for await (const items of readNdjsonBatches(file, progress)) yield* items;
}

/** readNdjson, a read chunk's items at a time (what the ingestion loop takes: no await per record). */
export async function* readNdjsonBatches(file: string, progress?: ByteProgress): AsyncGenerator<SourceItem[]> {
  for await (const lines of readLineBatches(file, progress)) {
    const items: SourceItem[] = [];
    for (const l of lines) {
      const item = ndjsonItem(file, l);
      if (item) items.push(item);
    }
    yield items;
  }
}

export function ndjsonItem(file: string, { line, text, invalidUtf8 }: RawLine): SourceItem | undefined {
  if (invalidUtf8) return { file, line, rejection: { file, line, reason: `line is not valid UTF-8 (first bad byte at column ${invalidUtf8.column})` } };
  if (text === undefined || text.length === 0 || (isBlankStart(text) && text.trim() === '')) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    const truncated = !text.trimEnd().endsWith('}');
    const reason = `malformed JSON${truncated ? ' (truncated line?)' : ''}: ${(error as Error).message}`;
    return { file, line, rejection: { file, line, reason } };
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    return { file, line, rejection: { file, line, reason: 'line is valid JSON but not an object' } };
  }
  return { file, line, raw: parsed as Record<string, unknown> };
}

/** Only a line starting with whitespace can be blank: the common line skips the trim. */
function isBlankStart(text: string): boolean {
  const c = text.charCodeAt(0);
  return c === 0x20 || (c >= 0x09 && c <= 0x0d) || c > 0x7f;
}
