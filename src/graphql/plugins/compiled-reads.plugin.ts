import { createHash } from 'node:crypto';
import { ApolloServerPlugin, HeaderMap } from '@apollo/server';
import { GraphQLSchema } from 'graphql';
import { Logger } from '../../common/logger';
import { Database } from '../../database/database';
import { readsFromReplica } from '../../database/read-routing';
import { CompiledReadCounts } from '../../observability/metrics';
import { tracedSql } from '../../observability/tracing';
import { CompileOutcome, compileOperation } from '../compiled/compiler';
import { RawJsonData } from '../compiled/raw-json';
import { READ_MODEL, READ_ROOTS } from '../compiled/read-model';
import { GraphQLContext } from '../context';
import { DocumentCache, variantKey } from '../document-cache';
import { seesPii } from '../../modules/access/principal';

/** Plain counts the plugin keeps; /metrics exports them (fattail_compiled_reads_total). */
export type CompiledReadStats = CompiledReadCounts;

/**
 * Answers a query the read model fully covers with ONE statement in which PostgreSQL builds the response
 * (graphql/compiled/). It runs after parsing, validation, the depth/cost limits and authentication, so
 * those apply unchanged; anything it declines, and any statement that fails, goes through the resolvers
 * as before (which report errors the usual way). Statements are prepared per connection by their text's
 * hash, so PostgreSQL plans each query shape once. PostgreSQL's JSON reaches the response body as text
 * (RawJsonData, made canonical without parsing), never as objects; the audit trail's ids come in their own column.
 */
export function compiledReadsPlugin(schema: GraphQLSchema, database: Database, logger: Logger, stats: CompiledReadStats): ApolloServerPlugin<GraphQLContext> {
  const { dataSource } = database;
  // What a query compiles to depends on the document, its variables and what the caller may see, nothing else.
  const compiledQueries = new DocumentCache<{ outcome: CompileOutcome; statementName: string | undefined }>();
  return {
    async requestDidStart() {
      return {
        async responseForOperation({ document, operation, request, contextValue }) {
          const { principal } = contextValue;
          const key = variantKey(request.operationName, request.variables, principal.role, String(seesPii(principal)));
          const { outcome, statementName } = compiledQueries.get(document, key, () => {
            const compiled = compileOperation(schema, READ_MODEL, READ_ROOTS, document, operation, request.variables ?? {}, principal);
            // Named statements are per connection; the embedded database's single session gains nothing from them.
            const name =
              'compiled' in compiled && database.kind === 'postgres' ? `fattail_${createHash('sha1').update(compiled.compiled.text).digest('hex').slice(0, 20)}` : undefined;
            return { outcome: compiled, statementName: name };
          });
          if ('declined' in outcome) {
            stats.declined += 1;
            logger.debug({ reason: outcome.declined, operationName: request.operationName }, 'compiled read declined');
            return null;
          }
          const { text, values, coordinates, piiSelected } = outcome.compiled;
          const runner = dataSource.createQueryRunner(readsFromReplica(dataSource) ? 'slave' : 'master');
          let row: { data: string; customer_ids: string[] | null };
          try {
            const client = (await runner.connect()) as { query: (q: { name?: string; text: string; values: unknown[] }) => Promise<{ rows: (typeof row)[] }> };
            dataSource.logger.logQuery(text, values);
            row = (await tracedSql(text, () => client.query({ name: statementName, text, values }))).rows[0];
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
          const customerIds = row.customer_ids ?? [];
          for (const id of customerIds) access.touchedCustomers.add(id);
          if (piiSelected && customerIds.length > 0) access.piiAccessed = true;
          const data = RawJsonData.fromJsonText(row.data) as unknown as Record<string, unknown>;
          return { http: { status: undefined, headers: new HeaderMap() }, body: { kind: 'single', singleResult: { data } } };
        },
      };
    },
  };
}
