import { randomUUID } from 'node:crypto';
import { unwrapResolverError } from '@apollo/server/errors';
import { GraphQLFormattedError } from 'graphql';
import { ArgumentValidationError } from 'type-graphql';
import { DomainException, ErrorCode } from '../common/errors';
import { Logger } from '../common/logger';

const DATABASE_DOWN = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', '57P01', '57P03', '08000', '08003', '08006']);

/**
 * A database that cannot be reached shows up in many wrappings: pg's own errors, TypeORM's
 * QueryFailedError (driverError), graphql's NonErrorThrown for plain objects (thrownValue), causes and
 * AggregateErrors (several addresses refused).
 */
function isDatabaseUnavailable(error: unknown, depth = 0): boolean {
  if (!error || typeof error !== 'object' || depth > 4) return false;
  const e = error as { code?: unknown; message?: unknown; driverError?: unknown; thrownValue?: unknown; cause?: unknown; errors?: unknown };
  if (typeof e.code === 'string' && DATABASE_DOWN.has(e.code)) return true;
  if (typeof e.message === 'string' && /Connection terminated|timeout exceeded when trying to connect|Connection is not established|the database system is (starting up|shutting down)/i.test(e.message)) {
    return true;
  }
  const inner = [e.driverError, e.thrownValue, e.cause, ...(Array.isArray(e.errors) ? e.errors : [])];
  return inner.some((x) => isDatabaseUnavailable(x, depth + 1));
}

/**
 * The one place errors become client responses. Domain codes pass through with their details;
 * GraphQL's own (parse, validation, variable coercion) keep theirs; anything else is masked and logged
 * with an id the client also receives. Must never throw.
 */
export function createErrorFormatter(logger: Logger) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    try {
      const original = unwrapResolverError(error);
      if (original instanceof DomainException) {
        return {
          message: original.message,
          locations: formatted.locations,
          path: formatted.path,
          extensions: { code: original.code, ...original.details },
        };
      }
      if (original instanceof ArgumentValidationError) {
        const fields = original.extensions.validationErrors?.map((v) => v.property) ?? [];
        return { ...formatted, extensions: { code: ErrorCode.BAD_USER_INPUT, field: fields[0], fields } };
      }
      const code = formatted.extensions?.code;
      if (code && code !== ErrorCode.INTERNAL_SERVER_ERROR) {
        const { stacktrace: _drop, ...extensions } = formatted.extensions ?? {};
        return { ...formatted, extensions };
      }
      const errorId = randomUUID();
      if (isDatabaseUnavailable(original)) {
        logger.warn({ errorId, err: original }, 'database unavailable');
        return {
          message: `The database is unavailable; try again shortly (error id ${errorId})`,
          locations: formatted.locations,
          path: formatted.path,
          extensions: { code: ErrorCode.SERVICE_UNAVAILABLE, errorId },
        };
      }
      logger.error({ errorId, err: original, path: formatted.path }, 'unexpected error');
      return {
        message: `Internal server error (error id ${errorId})`,
        locations: formatted.locations,
        path: formatted.path,
        extensions: { code: ErrorCode.INTERNAL_SERVER_ERROR, errorId },
      };
    } catch {
      return { message: 'Internal server error', extensions: { code: ErrorCode.INTERNAL_SERVER_ERROR } };
    }
  };
}
