import pino from 'pino';
import request from 'supertest';
import { App, createApp } from '../../src/app';
import { createTestDatabase, TestDatabase } from './test-database';

export interface TestApp {
  db: TestDatabase;
  app: App;
  /** POSTs a GraphQL operation and returns the parsed body and status. */
  gql(query: string, variables?: Record<string, unknown>): Promise<{ status: number; body: GqlBody }>;
  close(): Promise<void>;
}

export interface GqlBody {
  data?: Record<string, any> | null;
  errors?: { message: string; path?: (string | number)[]; extensions?: Record<string, any> }[];
}

export async function createTestApp(): Promise<TestApp> {
  const db = await createTestDatabase();
  const app = await createApp({ database: db, logger: pino({ level: 'silent' }) });
  return {
    db,
    app,
    async gql(query, variables) {
      const res = await request(app.app)
        .post('/graphql')
        .set('content-type', 'application/json')
        .set('accept', 'application/graphql-response+json')
        .send({ query, variables });
      return { status: res.status, body: res.body as GqlBody };
    },
    async close() {
      await app.stop();
      await db.close();
    },
  };
}
