import { ApolloServerPlugin } from '@apollo/server';
import { preferPrimary } from '../../database/read-routing';
import { GraphQLContext } from '../context';

/** A mutation reads its own writes: everything the request reads afterwards comes from the primary. */
export function readRoutingPlugin(): ApolloServerPlugin<GraphQLContext> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ operation }) {
          if (operation?.operation === 'mutation') preferPrimary();
        },
      };
    },
  };
}
