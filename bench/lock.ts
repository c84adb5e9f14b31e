// One bench at a time per PostgreSQL server: two runs would drop each other's scratch database, and on a
// small machine each would measure the other's load. A session advisory lock in the server's `postgres`
// database (advisory locks are per database) is held for the whole run; the connection closing, however the
// process ends, releases it.
import { Client } from 'pg';

const LOCK_KEY = 'fattail-bench';

export interface BenchLock {
  release(): Promise<void>;
}

// Re-entrant within a process: prepareDatabase takes the lock for every tool built on bench/setup.ts (the
// soak too), and run.ts takes it first to hold it for the whole run.
let held: Promise<BenchLock> | null = null;

export function acquireBenchLock(adminUrl: string, log: (line: string) => void, maxWaitMs = 60 * 60_000): Promise<BenchLock> {
  held ??= lock(adminUrl, log, maxWaitMs).catch((error: unknown) => {
    held = null;
    throw error;
  });
  return held;
}

async function lock(adminUrl: string, log: (line: string) => void, maxWaitMs: number): Promise<BenchLock> {
  const client = new Client({ connectionString: adminUrl, application_name: 'fattail-bench-lock' });
  await client.connect();
  const started = Date.now();
  let lastNotice = 0;
  for (;;) {
    const { rows } = await client.query<{ ok: boolean }>(`SELECT pg_try_advisory_lock(hashtext($1)) AS ok`, [LOCK_KEY]);
    if (rows[0].ok) break;
    if (Date.now() - started > maxWaitMs) {
      await client.end();
      throw new Error(`another bench run has held the bench lock for over ${maxWaitMs / 60_000} minutes; giving up`);
    }
    if (Date.now() - lastNotice > 30_000) {
      const holder = await client.query<{ since: Date; client: string | null }>(
        `SELECT a.backend_start AS since, a.client_addr::text AS client
           FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
          WHERE l.locktype = 'advisory' AND l.granted AND l.objid = hashtext($1)::oid`,
        [LOCK_KEY],
      );
      const since = holder.rows[0]?.since ? ` since ${holder.rows[0].since.toISOString()}` : '';
      log(`another bench run holds the bench lock${since}; waiting for it to finish`);
      lastNotice = Date.now();
    }
    await new Promise((resolve) => setTimeout(resolve, 2_000));
  }
  // Holding the lock must not keep a finished process alive (tools built on setup.ts may just return from
  // main): once granted, the connection no longer counts for the event loop; exiting closes it and frees the lock.
  (client as unknown as { connection: { stream: { unref(): void } } }).connection.stream.unref();
  return {
    release: async () => {
      held = null;
      await client.query(`SELECT pg_advisory_unlock(hashtext($1))`, [LOCK_KEY]).catch(() => undefined);
      await client.end().catch(() => undefined);
    },
  };
}
