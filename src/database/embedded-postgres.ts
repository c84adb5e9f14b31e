import { mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';

/**
 * PGlite (PostgreSQL in WebAssembly) served over the PostgreSQL wire protocol on loopback, so the exact
 * `pg` + TypeORM `postgres` code path that runs in production also runs on the embedded database.
 * Why not typeorm-pglite: an SQL error there becomes an unhandled rejection that kills the process, and
 * concurrent transactions interleave on its one session. Over the socket, a pg pool of size 1 serialises them.
 */
export interface EmbeddedPostgres {
  url: string;
  stop(): Promise<void>;
}

/** dataDir undefined: in memory (tests). */
export async function startEmbeddedPostgres(dataDir?: string): Promise<EmbeddedPostgres> {
  if (dataDir) mkdirSync(dataDir, { recursive: true });
  const db = await PGlite.create(dataDir ? { dataDir } : {});
  // maxConnections above 1: pg-pool drops a client after a query error and reconnects at once.
  const server = new PGLiteSocketServer({ db, host: '127.0.0.1', port: 0, maxConnections: 8 });
  await server.start();
  const url = `postgresql://postgres@${server.getServerConn()}/postgres`;
  return {
    url,
    async stop() {
      await server.stop();
      await db.close();
    },
  };
}
