import 'reflect-metadata';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { expressMiddleware } from '@as-integrations/express5';
import express, { Express, NextFunction, Request, Response } from 'express';
import { Logger } from './common/logger';
import { Database } from './database/database';
import { createContext, createRepositories, GraphQLContext } from './graphql/context';
import { createErrorFormatter } from './graphql/error-formatter';
import { graphiqlRouter } from './graphql/graphiql';
import { getSchema } from './graphql/schema';

export interface AppOptions {
  database: Database;
  logger: Logger;
  /** Request body limit for /graphql. */
  bodyLimit?: string;
}

export interface App {
  app: Express;
  apollo: ApolloServer<GraphQLContext>;
  /** Stops Apollo (after the HTTP server has stopped taking requests). The database is the caller's. */
  stop(): Promise<void>;
}

/** Express + Apollo + GraphiQL + health checks. Shared by the server (main.ts), tests and the benchmark. */
export async function createApp(options: AppOptions): Promise<App> {
  const { database, logger } = options;
  const repos = createRepositories(database.dataSource);
  const apollo = new ApolloServer<GraphQLContext>({
    schema: await getSchema(),
    formatError: createErrorFormatter(logger),
    includeStacktraceInErrorResponses: false,
    introspection: true,
    allowBatchedHttpRequests: false,
    // Apollo's own landing page loads from a CDN; GraphiQL is served locally instead (graphiql.ts).
    plugins: [ApolloServerPluginLandingPageDisabled()],
    // No cookies or ambient credentials are ever accepted, so a request carrying one of these headers
    // cannot be a cross-site forgery; plain GETs from scripts need one of them.
    csrfPrevention: { requestHeaders: ['x-apollo-operation-name', 'apollo-require-preflight', 'graphql-preflight', 'authorization', 'x-api-key'] },
  });
  await apollo.start();

  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', false);
  app.use(requestLogger(logger));

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
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

  app.use(graphiqlRouter({ endpoint: '/graphql' }));
  app.use(
    '/graphql',
    express.json({ limit: options.bodyLimit ?? '1mb' }),
    expressMiddleware(apollo, {
      context: async () => createContext(repos, logger),
    }),
  );

  app.use((_req, res) => {
    res.status(404).json({ error: 'not found' });
  });
  // Body-parser errors (malformed JSON, too large) and anything else that escapes a route.
  app.use((error: { status?: number; type?: string; message?: string }, _req: Request, res: Response, _next: NextFunction) => {
    const status = error.status && error.status >= 400 && error.status < 500 ? error.status : 500;
    if (status === 500) logger.error({ err: error }, 'unhandled HTTP error');
    res.status(status).json({
      errors: [
        {
          message: status === 500 ? 'Internal server error' : (error.message ?? 'Bad request'),
          extensions: { code: status === 413 ? 'PAYLOAD_TOO_LARGE' : status === 500 ? 'INTERNAL_SERVER_ERROR' : 'BAD_REQUEST' },
        },
      ],
    });
  });

  return { app, apollo, stop: () => apollo.stop() };
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
