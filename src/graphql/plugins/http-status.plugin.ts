import { ApolloServerPlugin } from '@apollo/server';
import { ErrorCode } from '../../common/errors';
import { GraphQLContext } from '../context';

/**
 * When nothing could be answered because the database is down, say so at the HTTP level too (503 with
 * Retry-After), so load balancers and clients back off instead of treating it as a normal answer.
 */
export function httpStatusPlugin(): ApolloServerPlugin<GraphQLContext> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ response }) {
          if (response.body.kind !== 'single') return;
          const { data, errors } = response.body.singleResult;
          const values = data ? Object.values(data) : [];
          const nothingAnswered = values.every((v) => v === null);
          if (errors?.length && nothingAnswered && errors.every((e) => e.extensions?.code === ErrorCode.SERVICE_UNAVAILABLE)) {
            response.http.status = 503;
            response.http.headers.set('retry-after', '5');
          }
        },
      };
    },
  };
}
