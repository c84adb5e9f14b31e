import { ApolloServerPlugin } from '@apollo/server';
import { trace } from '@opentelemetry/api';
import { Metrics } from '../../observability/metrics';
import { GraphQLContext } from '../context';

/** Request counts and latency by operation, errors by code; names the request's span after its operation. */
export function observabilityPlugin(metrics: Metrics): ApolloServerPlugin<GraphQLContext> {
  return {
    async requestDidStart() {
      const started = process.hrtime.bigint();
      return {
        async didResolveOperation({ operationName, operation }) {
          const span = trace.getActiveSpan();
          span?.updateName(`graphql ${operation?.operation ?? 'operation'} ${operationName ?? 'anonymous'}`);
          span?.setAttribute('graphql.operation.name', operationName ?? 'anonymous');
        },
        async willSendResponse({ response, operationName, request }) {
          const operation = metrics.operationLabel(operationName ?? request.operationName);
          const seconds = Number(process.hrtime.bigint() - started) / 1e9;
          const errors = response.body.kind === 'single' ? (response.body.singleResult.errors ?? []) : [];
          const hasData = response.body.kind === 'single' && response.body.singleResult.data != null;
          for (const error of errors) metrics.errors.inc({ code: String(error.extensions?.code ?? 'UNKNOWN') });
          metrics.requests.inc({ operation, outcome: errors.length === 0 ? 'success' : hasData ? 'partial' : 'error' });
          metrics.duration.observe({ operation }, seconds);
        },
      };
    },
  };
}
