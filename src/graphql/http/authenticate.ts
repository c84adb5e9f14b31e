import { NextFunction, Request, Response } from 'express';
import { DomainException, ErrorCode } from '../../common/errors';
import { Logger } from '../../common/logger';
import { ApiKeyService } from '../../modules/access/api-key.service';
import { OPEN_DEMO_PRINCIPAL, Principal } from '../../modules/access/principal';
import { sendGraphQLError } from './graphql-error-response';

export type AuthMode = 'open' | 'required';

export function presentedKey(req: Request): string | null {
  const header = req.headers.authorization;
  if (header) {
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    return match ? match[1] : header.trim();
  }
  const apiKey = req.headers['x-api-key'];
  return typeof apiKey === 'string' && apiKey.trim() ? apiKey.trim() : null;
}

export function principalOf(res: Response): Principal | null {
  return (res.locals.principal as Principal | undefined) ?? null;
}

/**
 * Browsers opening GraphiQL cannot send a key with the page load itself; the page holds no data and
 * analysts paste their key into its Headers tab. Same rule as the GraphiQL router: the client prefers HTML.
 */
function isGraphiqlPageLoad(req: Request): boolean {
  return req.method === 'GET' && req.accepts(['application/json', 'text/html']) === 'text/html';
}

/**
 * Resolves the caller from `Authorization: Bearer <key>` or `x-api-key`. Without a key: 401, except on
 * the open local demo, where the caller is the local admin.
 */
export function authenticate(apiKeys: ApiKeyService, mode: AuthMode, logger: Logger) {
  return async (req: Request, res: Response, next: NextFunction) => {
    const key = presentedKey(req);
    if (!key) {
      if (mode === 'open') {
        res.locals.principal = OPEN_DEMO_PRINCIPAL;
        return next();
      }
      if (isGraphiqlPageLoad(req)) return next();
      return sendGraphQLError(res, 401, ErrorCode.UNAUTHENTICATED, 'An API key is required: send `Authorization: Bearer <key>` or `x-api-key: <key>`.', {
        'WWW-Authenticate': 'Bearer realm="fattail"',
      });
    }
    try {
      res.locals.principal = await apiKeys.authenticate(key);
      next();
    } catch (error) {
      if (error instanceof DomainException && error.code === ErrorCode.UNAUTHENTICATED) {
        logger.info({ reason: error.message, ip: req.ip }, 'rejected API key');
        return sendGraphQLError(res, 401, ErrorCode.UNAUTHENTICATED, `Not authenticated: ${error.message}.`, { 'WWW-Authenticate': 'Bearer realm="fattail", error="invalid_token"' });
      }
      next(error);
    }
  };
}
