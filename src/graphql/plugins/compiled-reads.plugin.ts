import { createHash } from 'node:crypto';
import { ApolloServerPlugin, HeaderMap } from '@apollo/server';
import { GraphQLSchema } from 'graphql';
import { Logger } from '../../common/logger';
import { Database } from '../../database/database';
import { readsFromReplica } from '../../database/read-routing';
import { tracedSql } from '../../observability/tracing';
import { compileOperation } from '../compiled/compiler';
import { READ_MODEL, READ_ROOTS } from '../compiled/read-model';
import { GraphQLContext } from '../context';

export interface CompiledReadStats {
  compiled: number;
  declined: number;
  /** Statements that failed and were answered by the resolver path instead. */
  failed: number;
}

/**
 * Answers a query the read model fully covers with ONE statement in which PostgreSQL builds the response
 * (graphql/compiled/). It runs after parsing, validation, the depth/cost limits and authentication, so
 * those apply unchanged; anything it declines, and any statement that fails, goes through the resolvers
 * as before (which report errors the usual way). Statements are prepared per connection by their text's
 * hash, so PostgreSQL plans each query shape once.
 */
export function compiledReadsPlugin(schema: GraphQLSchema, database: Database, logger: Logger, stats: CompiledReadStats): ApolloServerPlugin<GraphQLContext> {
  const { dataSource } = database;
  return {
    async requestDidStart() {
      return {
        async responseForOperation({ document, operation, request, contextValue }) {
          const outcome = compileOperation(schema, READ_MODEL, READ_ROOTS, document, operation, request.variables ?? {}, contextValue.principal);
          if ('declined' in outcome) {
            stats.declined += 1;
            logger.debug({ reason: outcome.declined, operationName: request.operationName }, 'compiled read declined');
            return null;
          }
          const { text, values, coordinates, piiSelected } = outcome.compiled;
          const runner = dataSource.createQueryRunner(readsFromReplica(dataSource) ? 'slave' : 'master');
          let row: { data: Record<string, unknown>; customer_ids: string[] | null };
          try {
            const client = (await runner.connect()) as { query: (q: { name?: string; text: string; values: unknown[] }) => Promise<{ rows: (typeof row)[] }> };
            dataSource.logger.logQuery(text, values);
            // Named statements are per connection; the embedded database's single session gains nothing from them.
            const name = database.kind === 'postgres' ? `fattail_${createHash('sha1').update(text).digest('hex').slice(0, 20)}` : undefined;
            row = (await tracedSql(text, () => client.query({ name, text, values }))).rows[0];
          } catch (error) {
            stats.failed += 1;
            logger.warn({ err: error, operationName: request.operationName }, 'compiled read failed; answering through the resolvers');
            return null;
          } finally {
            await runner.release();
          }
          stats.compiled += 1;
          const { access } = contextValue;
          // The resolver path records root and Customer fields (access-transform.ts); so does this one.
          for (const coordinate of coordinates) if (coordinate.startsWith('Query.') || coordinate.startsWith('Customer.')) access.fields.add(coordinate);
          for (const id of row.customer_ids ?? []) access.touchedCustomers.add(id);
          if (piiSelected && (row.customer_ids?.length ?? 0) > 0) access.piiAccessed = true;
          return { http: { status: undefined, headers: new HeaderMap() }, body: { kind: 'single', singleResult: { data: row.data } } };
        },
      };
    },
  };
}
