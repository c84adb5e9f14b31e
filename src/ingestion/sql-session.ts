import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { PoolClient } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { DataSource } from 'typeorm';

/**
 * One dedicated connection for a whole ingestion: batches run as transactions on it and temp tables live on
 * it. On the embedded database (a pool of one) nothing else may query while it is held.
 * COPY FROM STDIN does not work over the PGlite socket (the server loses protocol sync), so staging falls
 * back to one INSERT ... SELECT FROM jsonb_to_recordset($1) per batch there.
 */
export class SqlSession {
  /** Open transactions on this connection: a nested transaction() is a savepoint (bulk loads run a whole load as one). */
  private depth = 0;

  private constructor(
    readonly client: PoolClient,
    readonly canCopy: boolean,
    private readonly releaseFn: () => Promise<void>,
  ) {}

  static async open(dataSource: DataSource, kind: 'embedded' | 'postgres'): Promise<SqlSession> {
    const runner = dataSource.createQueryRunner();
    const client = (await runner.connect()) as PoolClient;
    return new SqlSession(client, kind === 'postgres', () => runner.release());
  }

  async rows<T = Record<string, unknown>>(text: string, params?: unknown[]): Promise<T[]> {
    return (await this.client.query(text, params)).rows as T[];
  }

  async exec(text: string, params?: unknown[]): Promise<number> {
    return (await this.client.query(text, params)).rowCount ?? 0;
  }

  /**
   * Runs fn in a transaction; inside another one it is a savepoint, so an error undoes fn's writes only and
   * the outer transaction goes on.
   */
  async transaction<T>(fn: () => Promise<T>): Promise<T> {
    const savepoint = this.depth > 0 ? `fattail_sp_${this.depth}` : undefined;
    await this.client.query(savepoint ? `SAVEPOINT ${savepoint}` : 'BEGIN');
    this.depth += 1;
    try {
      const result = await fn();
      await this.client.query(savepoint ? `RELEASE SAVEPOINT ${savepoint}` : 'COMMIT');
      return result;
    } catch (error) {
      await this.client.query(savepoint ? `ROLLBACK TO SAVEPOINT ${savepoint}; RELEASE SAVEPOINT ${savepoint}` : 'ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      this.depth -= 1;
    }
  }

  /** Loads records into a table, each column's value read by its function: COPY on PostgreSQL, one jsonb INSERT on PGlite. */
  async load<R>(table: string, columns: readonly LoadColumn<R>[], records: readonly R[]): Promise<void> {
    if (records.length === 0) return;
    if (this.canCopy) {
      const text = new CopyText();
      for (const record of records) text.add(copyLine(columns, record));
      await this.copyText(table, columns, text);
      return;
    }
    const json = JSON.stringify(records.map((r) => Object.fromEntries(columns.map((c) => [c.name, c.value(r)]))));
    const def = columns.map((c) => `${c.name} ${c.type}`).join(', ');
    await this.client.query(`INSERT INTO ${table} (${columns.map((c) => c.name).join(', ')}) SELECT * FROM jsonb_to_recordset($1::jsonb) AS x(${def})`, [json]);
  }

  /** Loads rows already written as COPY text (copyLine) into a table's columns: PostgreSQL only. */
  async copyText(table: string, columns: readonly { name: string }[], text: CopyText | readonly string[]): Promise<void> {
    const chunks = text instanceof CopyText ? text.buffers() : [text.join('')];
    if (chunks.length === 0) return;
    const stream = this.client.query(copyFrom(`COPY ${table} (${columns.map((c) => c.name).join(', ')}) FROM STDIN`));
    await pipeline(Readable.from(chunks), stream);
  }

  async release(): Promise<void> {
    await this.releaseFn();
  }
}

export interface LoadColumn<R> {
  name: string;
  type: string;
  value: (record: R) => unknown;
}

/** One record as a line of COPY text. */
export function copyLine<R>(columns: readonly LoadColumn<R>[], record: R): string {
  let line = '';
  const last = columns.length - 1;
  for (let i = 0; i <= last; i++) line += copyValue(columns[i].value(record)) + (i === last ? '\n' : '\t');
  return line;
}

/** Lines of COPY text gathered into UTF-8 buffers of about 64 KB (outside the JavaScript heap). */
export class CopyText {
  private readonly chunks: Buffer[] = [];
  private pending = '';
  /** Lines held. */
  rows = 0;
  /** A bulk stage's text: the file line of the last record added. */
  lastLine = 0;

  add(line: string): void {
    this.rows += 1;
    this.pending += line;
    if (this.pending.length > 1 << 16) {
      this.chunks.push(Buffer.from(this.pending));
      this.pending = '';
    }
  }

  /** Text already in buffers (from a parse worker), after what was added so far. */
  addBuffers(buffers: readonly Uint8Array[], rows: number): void {
    this.rows += rows;
    this.buffers();
    for (const b of buffers) this.chunks.push(Buffer.from(b.buffer, b.byteOffset, b.byteLength));
  }

  buffers(): Buffer[] {
    if (this.pending) {
      this.chunks.push(Buffer.from(this.pending));
      this.pending = '';
    }
    return this.chunks;
  }

  /** The lines again (each with its newline), for splitting a refused COPY. */
  lines(): string[] {
    const text = Buffer.concat(this.buffers()).toString();
    return text.split(/(?<=\n)/);
  }
}

/** COPY text format: \N is null; backslash, tab, newline and carriage return are escaped. */
export function copyValue(v: unknown): string {
  if (v === null || v === undefined) return '\\N';
  if (typeof v === 'number') return String(v);
  const s = typeof v === 'string' ? v : typeof v === 'object' ? JSON.stringify(v) : String(v);
  return NEEDS_ESCAPE.test(s) ? s.replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n').replace(/\r/g, '\\r') : s;
}

const NEEDS_ESCAPE = /[\\\t\n\r]/;

/** The value copyValue wrote (a string; \N is null). */
export function unescapeCopy(s: string): string | null {
  if (s === '\\N') return null;
  return s.replace(/\\(.)/g, (_, c: string) => (c === 't' ? '\t' : c === 'n' ? '\n' : c === 'r' ? '\r' : c));
}
