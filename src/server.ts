import { createServer, Server } from 'node:http';
import Redis from 'ioredis';
import { AddressInfo } from 'node:net';
import { createApp } from './app';
import { AppConfig, assertKeyPepper } from './config/config';
import { Logger } from './common/logger';
import { limitHeapGrowth } from './common/heap';
import { Database, migrate, openDatabase } from './database/database';
import { seedDemoBank } from '../seeds/demo-bank.seed';
import { createLifetimeValueRepositories, createLifetimeValueService } from './modules/lifetime-value/lifetime-value.context';
import { SegmentRepository } from './modules/segment/segment.repository';
import { SegmentRefreshService } from './modules/segment/segment-refresh.service';

export interface RunningServer {
  server: Server;
  url: string;
  database: Database;
  /** Stops taking requests, lets in-flight ones finish (up to the shutdown timeout), then closes the database. */
  shutdown(reason: string): Promise<void>;
}

/**
 * A demo that shows something on first open: segment memberships computed and a lifetime-value model
 * fitted on the seeded history (what an operator would schedule with `fattail segments refresh` and
 * `fattail clv fit`). Failures here are logged, not fatal: the demo bank itself is already in place.
 */
async function prepareDemo(database: Database, logger: Logger): Promise<void> {
  try {
    const refreshed = await new SegmentRefreshService(new SegmentRepository(database.dataSource)).refreshAll();
    logger.info({ segments: refreshed.segments.length }, 'demo segments refreshed');
    const calibrationEnd = new Date(Date.now() - 90 * 86_400_000).toISOString().slice(0, 10);
    const fit = await createLifetimeValueService(createLifetimeValueRepositories(database.dataSource)).fit({ activity: 'TRANSACTIONS', calibrationEnd, unit: 'WEEK' });
    logger.info({ modelVersion: fit.version, customers: fit.customers }, 'demo lifetime-value model fitted');
  } catch (error) {
    logger.warn({ err: error }, 'could not prepare the demo segments or lifetime-value model; run `fattail segments refresh` and `fattail clv fit`');
  }
}

/** config -> database (migrate, seed an empty embedded one) -> schema -> listen. */
export async function startServer(config: AppConfig, logger: Logger): Promise<RunningServer> {
  const started = Date.now();
  limitHeapGrowth(logger);
  assertKeyPepper(config);
  const database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, replicaUrls: config.replicaUrls });
  logger.info(
    { database: database.kind, dataDir: database.kind === 'embedded' ? config.dataDir : undefined, readReplicas: config.replicaUrls.length },
    'database opened',
  );
  if (config.migrateOnStart) {
    const applied = await migrate(database.dataSource);
    if (applied.length) logger.info({ applied }, 'migrations applied');
  }
  if (database.kind === 'embedded' && config.seedOnFirstStart) {
    const [{ n }] = await database.dataSource.query('SELECT count(*)::int AS n FROM customer');
    if (n === 0) {
      logger.info({ customers: config.seedCustomers }, 'empty embedded database: seeding the demo bank');
      const summary = await seedDemoBank(database.dataSource, { customers: config.seedCustomers });
      logger.info({ summary }, 'demo bank seeded');
      await prepareDemo(database, logger);
    }
  }

  const redis = config.redisUrl ? new Redis(config.redisUrl, { maxRetriesPerRequest: 2, enableOfflineQueue: false }) : null;
  if (redis) await redis.ping().catch((error: unknown) => logger.warn({ err: error }, 'Redis not reachable yet; limits will fail closed until it is'));
  const { app, stop } = await createApp({
    database,
    logger,
    authMode: config.authMode,
    keyPepper: config.keyPepper,
    redis,
    rateLimits: { perMinute: config.rateLimitPerMinute, partnerPerMinute: config.partnerRateLimitPerMinute },
    queryLimits: { maxDepth: config.maxQueryDepth, maxCost: config.maxQueryCost },
    compiledReads: config.compiledReads,
    bodyLimit: config.bodyLimit,
  });
  if (config.authMode === 'open') {
    logger.warn(
      '*** OPEN MODE: no API key required. Allowed only because this is the local demo (embedded database, loopback, not production). Set FATTAIL_AUTH=required or DATABASE_URL to turn it off. ***',
    );
  }
  const server = createServer(app);
  server.keepAliveTimeout = 65_000;
  let draining = false;
  let inFlight = 0;
  server.prependListener('request', (_req, res) => {
    inFlight++;
    res.once('close', () => inFlight--);
    // While draining, every answer closes its connection, so keep-alive clients cannot hold the server
    // open by sending new requests on old sockets; they reconnect elsewhere.
    if (draining) res.setHeader('connection', 'close');
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  const url = `http://${address.address === '::' || address.address === '0.0.0.0' ? 'localhost' : address.address}:${address.port}`;
  logger.info({ url: `${url}/graphql`, startupMs: Date.now() - started }, 'Fattail is listening; GraphiQL at /graphql');

  let shuttingDown: Promise<void> | undefined;
  const shutdown = (reason: string) =>
    (shuttingDown ??= (async () => {
      logger.info({ reason }, 'shutting down: draining in-flight requests');
      draining = true;
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      // close() also closes the connections idle right now; busy keep-alive ones close themselves with their
      // next answer (connection: close).
      const timer = setTimeout(() => {
        logger.warn('shutdown timeout: closing remaining connections');
        server.closeAllConnections();
      }, config.shutdownTimeoutMs);
      await closed;
      // The listener is closed; answers still being computed finish before Apollo and the database go.
      const deadline = Date.now() + config.shutdownTimeoutMs;
      while (inFlight > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      clearTimeout(timer);
      await stop();
      await redis?.quit();
      await database.close();
      logger.info('shut down cleanly');
    })());

  return { server, url, database, shutdown };
}
