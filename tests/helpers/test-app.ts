import pino from 'pino';
import request from 'supertest';
import { App, AppOptions, createApp } from '../../src/app';
import { Role } from '../../src/modules/access/principal';
import { createTestDatabase, TestDatabase } from './test-database';

export interface GqlBody {
  data?: Record<string, any> | null;
  errors?: { message: string; path?: (string | number)[]; extensions?: Record<string, any> }[];
}

export interface GqlResult {
  status: number;
  body: GqlBody;
  headers: Record<string, string>;
}

export interface TestApp {
  db: TestDatabase;
  app: App;
  /** POSTs a GraphQL operation (with an API key when given) and returns status, parsed body and headers. */
  gql(query: string, variables?: Record<string, unknown>, key?: string): Promise<GqlResult>;
  /** POSTs a raw body, e.g. a partner's { documentId }. */
  post(body: unknown, key?: string): Promise<GqlResult>;
  createKey(role: Role, extra?: { partnerCode?: string; scopes?: string[]; name?: string }): Promise<string>;
  close(): Promise<void>;
}

/** The real app on a fresh database. Open (no keys) unless the test asks for authMode 'required'. */
export async function createTestApp(options: Partial<Omit<AppOptions, 'database' | 'logger'>> = {}): Promise<TestApp> {
  const db = await createTestDatabase();
  const app = await createApp({ database: db, logger: pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' }), authMode: 'open', ...options });
  const post = async (body: unknown, key?: string): Promise<GqlResult> => {
    let req = request(app.app).post('/graphql').set('content-type', 'application/json').set('accept', 'application/graphql-response+json');
    if (key) req = req.set('authorization', `Bearer ${key}`);
    const res = await req.send(body as object);
    return { status: res.status, body: res.body as GqlBody, headers: res.headers as Record<string, string> };
  };
  return {
    db,
    app,
    post,
    gql: (query, variables, key) => post({ query, variables }, key),
    async createKey(role, extra = {}) {
      const { plaintext } = await app.access.apiKeys.create({ name: extra.name ?? `${role.toLowerCase()} test key`, role, partnerCode: extra.partnerCode, scopes: extra.scopes });
      return plaintext;
    },
    async close() {
      await app.stop();
      await db.close();
    },
  };
}
