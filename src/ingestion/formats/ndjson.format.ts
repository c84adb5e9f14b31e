import { SourceItem } from '../records';
import { ByteProgress, readLines } from './read-lines';

/** NDJSON: one JSON object per line; blank lines are skipped. Each object carries its own `type`. */
export async function* readNdjson(file: string, progress?: ByteProgress): AsyncGenerator<SourceItem> {
  for await (const { line, text, invalidUtf8 } of readLines(file, progress)) {
    if (invalidUtf8) {
      yield { file, line, rejection: { file, line, reason: `line is not valid UTF-8 (first bad byte at column ${invalidUtf8.column})` } };
      continue;
    }
    if (text === undefined || text.trim() === '') continue;
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (error) {
      const truncated = !text.trimEnd().endsWith('}');
      const reason = `malformed JSON${truncated ? ' (truncated line?)' : ''}: ${(error as Error).message}`;
      yield { file, line, rejection: { file, line, reason } };
      continue;
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      yield { file, line, rejection: { file, line, reason: 'line is valid JSON but not an object' } };
      continue;
    }
    yield { file, line, raw: parsed as Record<string, unknown> };
  }
}
