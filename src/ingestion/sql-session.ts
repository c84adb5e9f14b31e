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

  async transaction<T>(fn: () => Promise<T>): Promise<T> {
    await this.client.query('BEGIN');
    try {
      const result = await fn();
      await this.client.query('COMMIT');
      return result;
    } catch (error) {
      await this.client.query('ROLLBACK').catch(() => undefined);
      throw error;
    }
  }

  /** Loads rows (arrays in column order) into a table: COPY on PostgreSQL, one jsonb INSERT on PGlite. */
  async load(table: string, columns: readonly { name: string; type: string }[], rows: readonly (readonly unknown[])[]): Promise<void> {
    if (rows.length === 0) return;
    if (this.canCopy) {
      const stream = this.client.query(copyFrom(`COPY ${table} (${columns.map((c) => c.name).join(', ')}) FROM STDIN`));
      await pipeline(Readable.from(copyChunks(rows)), stream);
      return;
    }
    const json = JSON.stringify(rows.map((r) => Object.fromEntries(columns.map((c, i) => [c.name, r[i]]))));
    const def = columns.map((c) => `${c.name} ${c.type}`).join(', ');
    await this.client.query(`INSERT INTO ${table} (${columns.map((c) => c.name).join(', ')}) SELECT * FROM jsonb_to_recordset($1::jsonb) AS x(${def})`, [json]);
  }

  async release(): Promise<void> {
    await this.releaseFn();
  }
}

function* copyChunks(rows: readonly (readonly unknown[])[]): Generator<string> {
  let buf = '';
  for (const row of rows) {
    buf += row.map(copyValue).join('\t') + '\n';
    if (buf.length > 1 << 16) {
      yield buf;
      buf = '';
    }
  }
  if (buf) yield buf;
}

/** COPY text format: \N is null; backslash, tab, newline and carriage return are escaped. */
export function copyValue(v: unknown): string {
  if (v === null || v === undefined) return '\\N';
  const s = typeof v === 'object' ? JSON.stringify(v) : String(v);
  return /[\\\t\n\r]/.test(s) ? s.replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n').replace(/\r/g, '\\r') : s;
}
