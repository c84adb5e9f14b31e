import 'reflect-metadata';
import cluster from 'node:cluster';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { expressMiddleware } from '@as-integrations/express5';
import express, { Express, NextFunction, Request, Response } from 'express';
import helmet from 'helmet';
import type Redis from 'ioredis';
import { ErrorCode } from './common/errors';
import { DEFAULT_LIMITS, DEV_KEY_PEPPER } from './config/config';
import { Logger } from './common/logger';
import { Database } from './database/database';
import { createContext, createRepositories, GraphQLContext } from './graphql/context';
import { createErrorFormatter } from './graphql/error-formatter';
import { graphiqlRouter } from './graphql/graphiql';
import { authenticate, AuthMode, principalOf } from './graphql/http/authenticate';
import { sendGraphQLError } from './graphql/http/graphql-error-response';
import { persistedOperations } from './graphql/http/persisted-operations';
import { createRateLimiter, rateLimit, RateLimits } from './graphql/http/rate-limit';
import { auditPlugin } from './graphql/plugins/audit.plugin';
import { limitsPlugin, QueryLimits } from './graphql/plugins/limits.plugin';
import { getSchema } from './graphql/schema';
import { AccessService } from './modules/access/access.service';
import { ApiKeyService } from './modules/access/api-key.service';
import { AuditWriter } from './modules/access/audit.writer';
import { ConsentService } from './modules/access/consent.service';
import { IngestionService } from './ingestion/ingestion.service';
import { Metrics } from './observability/metrics';
import { requestSpan } from './observability/tracing';
import { observabilityPlugin } from './graphql/plugins/observability.plugin';
import { readRoutingPlugin } from './graphql/plugins/read-routing.plugin';
import { httpStatusPlugin } from './graphql/plugins/http-status.plugin';
import { CompiledReadStats, compiledReadsPlugin } from './graphql/plugins/compiled-reads.plugin';
import { stringifyResult } from './graphql/compiled/raw-json';
import { runWithReadRouting } from './database/read-routing';

export interface AppOptions {
  database: Database;
  logger: Logger;
  /** 'required' unless the caller (the local demo, tests) asks for open. */
  authMode?: AuthMode;
  keyPepper?: string;
  /** Shared limiter store; in-process memory without it. The caller owns the connection. */
  redis?: Redis | null;
  rateLimits?: Partial<RateLimits>;
  queryLimits?: Partial<QueryLimits>;
  /** Request body limit for /graphql. */
  bodyLimit?: string;
  /** Answer fully covered queries with one compiled statement (graphql/compiled/); default on. */
  compiledReads?: boolean;
}

export interface App {
  app: Express;
  apollo: ApolloServer<GraphQLContext>;
  access: AccessService;
  metrics: Metrics;
  compiledReads: CompiledReadStats;
  /** Stops Apollo and flushes the audit trail (after the HTTP server has stopped taking requests). */
  stop(): Promise<void>;
}

/** Express + Apollo + GraphiQL + health checks. Shared by the server (server.ts), tests and the benchmark. */
export async function createApp(options: AppOptions): Promise<App> {
  const { database, logger } = options;
  const authMode = options.authMode ?? 'required';
  const repos = createRepositories(database.dataSource);
  const apiKeys = new ApiKeyService(database.dataSource, repos.access, options.keyPepper ?? DEV_KEY_PEPPER, undefined, (error) =>
    logger.warn({ err: error }, 'could not record when an API key was last used'),
  );
  const access = new AccessService(apiKeys, new ConsentService(database.dataSource, repos.access), repos.access);
  const auditWriter = new AuditWriter(repos.access, logger);
  const appServices = { access, ingestion: new IngestionService(database) };
  const rateLimiter = createRateLimiter(
    { perMinute: DEFAULT_LIMITS.rateLimitPerMinute, partnerPerMinute: DEFAULT_LIMITS.partnerRateLimitPerMinute, ...options.rateLimits },
    options.redis ?? null,
  );
  const schema = await getSchema();
  const replicated = (database.dataSource.driver as { isReplicated?: boolean }).isReplicated === true;
  const compiledReads: CompiledReadStats = { compiled: 0, declined: 0, failed: 0 };
  const metrics = new Metrics(() => poolStats(database), () => database.queryCounter.total, () => compiledReads);

  const apollo = new ApolloServer<GraphQLContext>({
    schema,
    formatError: createErrorFormatter(logger),
    includeStacktraceInErrorResponses: false,
    introspection: true,
    allowBatchedHttpRequests: false,
    // Shutdown is ours (server.ts drains in-flight requests first); Apollo's own signal handler would stop
    // it mid-drain and re-raise the signal.
    stopOnTerminationSignals: false,
    // Partners run registered operations through our own registry; Apollo's APQ would let anyone register.
    persistedQueries: false,
    // Apollo's default (JSON.stringify plus a newline), except that compiled reads' JSON text goes out as it is.
    stringifyResult,
    plugins: [
      // Apollo's own landing page loads from a CDN; GraphiQL is served locally instead (graphiql.ts).
      ApolloServerPluginLandingPageDisabled(),
      // Cache hints are unused here, and the plugin wraps every field resolver to collect them: a large
      // share of CPU per request on big pages.
      ApolloServerPluginCacheControlDisabled(),
      limitsPlugin(schema, { maxDepth: DEFAULT_LIMITS.maxQueryDepth, maxCost: DEFAULT_LIMITS.maxQueryCost, ...options.queryLimits }),
      auditPlugin(auditWriter),
      observabilityPlugin(metrics),
      readRoutingPlugin(),
      httpStatusPlugin(),
      ...(options.compiledReads === false ? [] : [compiledReadsPlugin(schema, database, logger, compiledReads)]),
    ],
    // No cookies or ambient credentials are ever accepted, so a request carrying one of these headers
    // cannot be a cross-site forgery; plain GETs from scripts need one of them.
    csrfPrevention: { requestHeaders: ['x-apollo-operation-name', 'apollo-require-preflight', 'graphql-preflight', 'authorization', 'x-api-key'] },
  });
  await apollo.start();

  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', false);
  app.use(requestLogger(logger));
  // GraphiQL sets its own, stricter page policy; the API answers JSON, which needs none.
  app.use(helmet({ contentSecurityPolicy: false, crossOriginEmbedderPolicy: false }));

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok', worker: cluster.worker?.id ?? null });
  });
  app.get('/readyz', async (_req, res) => {
    try {
      await database.dataSource.query('SELECT 1');
      res.json({ status: 'ready', database: database.kind });
    } catch (error) {
      logger.warn({ err: error }, 'readiness check failed');
      res.status(503).json({ status: 'unavailable', reason: 'database unreachable' });
    }
  });

  // Operational counters only (no customer data), for the Prometheus scraper inside the bank's network.
  app.get('/metrics', async (_req, res) => {
    res.setHeader('content-type', metrics.registry.contentType);
    res.send(await metrics.registry.metrics());
  });

  app.use('/graphql', requestSpan(), authenticate(apiKeys, authMode, logger), (req, res, next) => {
    if (principalOf(res)?.role === 'PARTNER' && req.method === 'GET' && req.accepts(['application/json', 'text/html']) === 'text/html') {
      return sendGraphQLError(res, 403, ErrorCode.FORBIDDEN, 'GraphiQL is not available to partner keys.');
    }
    next();
  });
  app.use(graphiqlRouter({ endpoint: '/graphql' }));
  app.use(
    '/graphql',
    rateLimit(rateLimiter, async (principal) => {
      if (principal?.role === 'PARTNER' || principal?.role === 'ANALYST') {
        await auditWriter.write({
          requestId: crypto.randomUUID(),
          apiKeyId: principal.keyId,
          role: principal.role,
          partnerId: principal.partnerId,
          operationName: null,
          documentHash: null,
          customerIds: [],
          fields: [],
          piiAccessed: false,
          outcome: 'REJECTED',
          errorCodes: [ErrorCode.RATE_LIMITED],
          at: new Date(),
        });
      }
    }),
    express.json({ limit: options.bodyLimit ?? DEFAULT_LIMITS.bodyLimit }),
    persistedOperations(repos.access),
    // Replica reads unless the caller needs the primary: partners (consent revocation must bite on the
    // next request) and clients that just wrote and ask for it.
    // Only with replicas: an AsyncLocalStorage context costs every promise of the request a hook.
    replicated
      ? (req: Request, res: Response, next: NextFunction) =>
          runWithReadRouting(principalOf(res)?.role === 'PARTNER' || req.headers['x-fattail-consistency'] === 'primary', next)
      : (_req: Request, _res: Response, next: NextFunction) => next(),
    expressMiddleware(apollo, {
      context: async ({ res }) => {
        const principal = principalOf(res);
        if (!principal) throw new Error('unauthenticated request reached the GraphQL handler');
        return createContext(repos, logger, principal, appServices);
      },
    }),
  );

  app.use((_req, res) => {
    res.status(404).json({ error: 'not found' });
  });
  // Body-parser errors (malformed JSON, too large) and anything else that escapes a route.
  app.use((error: { status?: number; type?: string; message?: string }, _req: Request, res: Response, _next: NextFunction) => {
    const status = error.status && error.status >= 400 && error.status < 500 ? error.status : 500;
    if (status === 500) logger.error({ err: error }, 'unhandled HTTP error');
    const code = status === 413 ? 'PAYLOAD_TOO_LARGE' : status === 500 ? ErrorCode.INTERNAL_SERVER_ERROR : 'BAD_REQUEST';
    sendGraphQLError(res, status, code, status === 500 ? 'Internal server error' : (error.message ?? 'Bad request'));
  });

  return {
    app,
    apollo,
    access,
    metrics,
    compiledReads,
    async stop() {
      await apollo.stop();
      await auditWriter.flush();
    },
  };
}

/** The pg pool behind TypeORM's postgres driver (`driver.master`), for the pool gauges. */
function poolStats(database: Database): { total: number; idle: number; waiting: number } | null {
  const pool = (database.dataSource.driver as unknown as { master?: { totalCount: number; idleCount: number; waitingCount: number } }).master;
  return pool ? { total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount } : null;
}

function requestLogger(logger: Logger) {
  return (req: Request, res: Response, next: NextFunction) => {
    const started = process.hrtime.bigint();
    res.on('finish', () => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      logger.debug({ method: req.method, path: req.path, status: res.statusCode, ms: Math.round(ms * 10) / 10 }, 'request');
    });
    next();
  };
}
