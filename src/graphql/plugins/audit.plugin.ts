import { createHash } from 'node:crypto';
import { ApolloServerPlugin } from '@apollo/server';
import { ErrorCode } from '../../common/errors';
import { AuditWriter } from '../../modules/access/audit.writer';
import { isAudited } from '../../modules/access/principal';
import { GraphQLContext } from '../context';

/**
 * Records every request of a partner or analyst key, and every request that read unmasked PII, before
 * its response leaves. If the record cannot be written the response is replaced by an error: an access
 * that cannot be accounted for is not served.
 */
export function auditPlugin(writer: AuditWriter): ApolloServerPlugin<GraphQLContext> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ contextValue, response, request, operationName }) {
          const { access, principal, requestId } = contextValue;
          if (!isAudited(principal) && !access.piiAccessed) return;
          if (response.body.kind !== 'single') return;
          const result = response.body.singleResult;
          const errorCodes = [...new Set((result.errors ?? []).map((e) => String(e.extensions?.code ?? 'UNKNOWN')))];
          const outcome = !result.errors?.length ? 'SUCCESS' : result.data ? 'PARTIAL' : 'ERROR';
          try {
            await writer.write({
              requestId,
              apiKeyId: principal.keyId,
              role: principal.role,
              partnerId: principal.partnerId,
              operationName: operationName ?? request.operationName ?? null,
              documentHash: request.query ? createHash('sha256').update(request.query).digest('hex') : null,
              customerIds: [...access.touchedCustomers],
              fields: [...access.fields].sort(),
              piiAccessed: access.piiAccessed,
              outcome,
              errorCodes,
              at: new Date(),
            });
          } catch {
            response.http.status = 503;
            response.body.singleResult = {
              errors: [{ message: 'The request could not be recorded in the audit trail; try again.', extensions: { code: ErrorCode.SERVICE_UNAVAILABLE, requestId } }],
            };
          }
        },
      };
    },
  };
}
