import { ClassType, Field, FieldResolver, Int, ObjectType, Resolver, Root } from 'type-graphql';
import { ConnectionData } from '../pagination';
import { PageInfo } from './page-info.type';

/** Field resolvers of every connection type, registered with the schema (see graphql/schema.ts). */
// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
export const CONNECTION_RESOLVERS: Function[] = [];

/**
 * Builds the Relay `XEdge` / `XConnection` pair for a node type. totalCount runs the connection's
 * count function only when a client asks for it.
 */
export function connectionTypes<T extends object>(nodeType: ClassType<T>, name: string) {
  @ObjectType(`${name}Edge`)
  class Edge {
    @Field()
    cursor: string;

    @Field(() => nodeType)
    node: T;
  }

  @ObjectType(`${name}Connection`)
  class Connection {
    @Field(() => [Edge])
    edges: Edge[];

    @Field(() => PageInfo)
    pageInfo: PageInfo;
  }

  @Resolver(() => Connection)
  class ConnectionResolver {
    @FieldResolver(() => Int, { description: 'All items matching the arguments, ignoring pagination.' })
    totalCount(@Root() connection: ConnectionData<unknown>): Promise<number> {
      return connection.count();
    }
  }
  CONNECTION_RESOLVERS.push(ConnectionResolver);

  return { Edge, Connection };
}
