// SQL statements per request, counted in-process: pg_stat_statements needs shared_preload_libraries (a
// server restart), which a bench must not ask of a shared PostgreSQL. The app is the same createApp the
// server runs; every statement TypeORM sends goes through the QueryCounter (src/database/query-counter.ts).
import 'reflect-metadata';
import { AddressInfo } from 'node:net';
import { createApp } from '../src/app';
import { createLogger } from '../src/common/logger';
import { openDatabase } from '../src/database/database';

export interface StatementCount {
  count: number;
  statements: string[];
}

export async function countStatements(
  databaseUrl: string,
  keyPepper: string,
  apiKey: string,
  bodies: Record<string, string>,
): Promise<Record<string, StatementCount>> {
  const database = await openDatabase({ databaseUrl, applicationName: 'fattail-bench-count' });
  const { app, stop } = await createApp({ database, logger: createLogger('silent'), authMode: 'required', keyPepper, rateLimits: { perMinute: 1_000_000 } });
  const server = app.listen(0, '127.0.0.1');
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
  const send = async (body: string) => {
    const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${apiKey}` }, body });
    const text = await res.text();
    if (!res.ok || text.includes('"errors":[')) throw new Error(`statement count: the request failed (${res.status}): ${text.slice(0, 500)}`);
  };
  try {
    const out: Record<string, StatementCount> = {};
    for (const [name, body] of Object.entries(bodies)) {
      await send(body); // once unrecorded: first-use work (schema caches, key lookup warm-up) is not per request
      const { statements } = await database.queryCounter.record(() => send(body));
      out[name] = { count: statements.length, statements: statements.map((s) => s.replace(/\s+/g, ' ').trim()) };
    }
    return out;
  } finally {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await stop();
    await database.close();
  }
}
