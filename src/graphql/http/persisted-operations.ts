import { createHash } from 'node:crypto';
import { NextFunction, Request, Response } from 'express';
import { ErrorCode } from '../../common/errors';
import { AccessRepository } from '../../modules/access/access.repository';
import { principalOf } from './authenticate';
import { sendGraphQLError } from './graphql-error-response';

export function operationId(document: string): string {
  return createHash('sha256').update(document).digest('hex');
}

/**
 * Partner keys run registered operations only: the request names one by its sha256 (`documentId`, or
 * Apollo's `extensions.persistedQuery.sha256Hash`) and the server substitutes the stored document.
 * Any free-form document from a partner is refused, which also keeps introspection and ad-hoc
 * exploration away from partners.
 */
export function persistedOperations(repo: AccessRepository) {
  return async (req: Request, res: Response, next: NextFunction) => {
    try {
      const principal = principalOf(res);
      if (principal?.role !== 'PARTNER') return next();
      if (req.method !== 'POST' || typeof req.body !== 'object' || req.body === null || Array.isArray(req.body)) {
        return sendGraphQLError(res, 400, 'PERSISTED_OPERATION_REQUIRED', 'Partner keys send POST requests naming a registered operation.');
      }
      const body = req.body as { query?: unknown; documentId?: unknown; extensions?: { persistedQuery?: { sha256Hash?: unknown } } };
      const id = body.documentId ?? body.extensions?.persistedQuery?.sha256Hash;
      if (typeof id !== 'string') {
        return sendGraphQLError(res, 400, 'PERSISTED_OPERATION_REQUIRED', 'Partner keys may only run registered operations: send `documentId` (the sha256 of a registered document).');
      }
      const operation = await repo.persistedOperation(id);
      if (!operation) return sendGraphQLError(res, 400, 'PERSISTED_OPERATION_NOT_FOUND', `No registered operation ${id}.`);
      if (body.query !== undefined && body.query !== operation.document) {
        return sendGraphQLError(res, 400, ErrorCode.BAD_USER_INPUT, 'The query does not match the registered operation.');
      }
      body.query = operation.document;
      delete body.documentId;
      if (body.extensions) delete body.extensions.persistedQuery;
      next();
    } catch (error) {
      next(error);
    }
  };
}
