import cluster from 'node:cluster';
import { availableParallelism } from 'node:os';
import { Command } from 'commander';
import { createLogger } from '../../common/logger';
import { loadConfig } from '../../config/config';
import { migrate, openDatabase } from '../../database/database';
import { enableTracing } from '../../observability/tracing';
import { startServer } from '../../server';

/** One server in this process: what `npm start` runs, and what each worker runs. */
export async function serveOne(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger(config.logLevel).child(cluster.isWorker ? { worker: cluster.worker?.id } : {});
  enableTracing(config.tracing);
  const running = await startServer(config, logger);
  // `on`, not `once`: the listener must stay, or a library's signal-exit hook sees no other listener left
  // and re-raises the signal mid-drain, killing the process with requests in flight. A repeated
  // signal joins the shutdown already under way.
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.on(signal, () => {
      running.shutdown(signal).then(
        () => process.exit(0),
        (error: unknown) => {
          logger.error({ err: error }, 'shutdown failed');
          process.exit(1);
        },
      );
    });
  }
}

/**
 * N workers behind one port (node:cluster hands connections out round-robin). The server is stateless:
 * limits are shared through Redis (REDIS_URL), the database is shared, so workers only need the
 * schema migrated once, here, before they start. The embedded database lives inside one process, so
 * more than one worker needs DATABASE_URL.
 */
async function servePrimary(workers: number): Promise<void> {
  const config = loadConfig();
  const logger = createLogger(config.logLevel);
  if (!config.databaseUrl) throw new Error('--workers above 1 needs DATABASE_URL: the embedded database lives inside one process');
  if (!config.redisUrl) logger.warn('no REDIS_URL: each worker enforces its own rate limit (N workers allow N times the budget)');
  // Signals are handled from the start: a stop while the schema is being migrated exits cleanly too
  // (the migration's transaction rolls back with its connection) instead of dying by the signal.
  let stopping = false;
  for (const sig of ['SIGTERM', 'SIGINT'] as const) {
    process.on(sig, () => {
      if (stopping) return;
      stopping = true;
      logger.info({ signal: sig }, 'stopping workers (each drains its in-flight requests)');
      for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill('SIGTERM');
      const check = setInterval(() => {
        if (Object.keys(cluster.workers ?? {}).length === 0) {
          clearInterval(check);
          process.exit(0);
        }
      }, 50);
    });
  }
  if (config.migrateOnStart) {
    const db = await openDatabase({ databaseUrl: config.databaseUrl, poolSize: 1 });
    try {
      const applied = await migrate(db.dataSource);
      if (applied.length) logger.info({ applied }, 'migrations applied');
    } finally {
      await db.close();
    }
  }
  if (stopping) return;
  const env = { FATTAIL_MIGRATE_ON_START: 'false' };
  for (let i = 0; i < workers; i++) cluster.fork(env);
  cluster.on('exit', (worker, code, signal) => {
    if (stopping) return;
    logger.error({ worker: worker.id, code, signal }, 'worker died; starting a new one');
    cluster.fork(env);
  });
  logger.info({ workers }, 'workers started');
}

export function registerServeCommand(program: Command): void {
  program
    .command('serve')
    .description('start the GraphQL server (what `npm start` runs), optionally as several worker processes')
    .option('--workers <n>', `worker processes; "auto" = one per core (${availableParallelism()})`, '1')
    .action(async (opts: { workers: string }) => {
      const workers = opts.workers === 'auto' ? availableParallelism() : Number(opts.workers);
      if (!Number.isInteger(workers) || workers < 1 || workers > 64) throw new Error('--workers must be a whole number from 1 to 64, or "auto"');
      if (cluster.isWorker || workers === 1) return serveOne();
      return servePrimary(workers);
    });
}
