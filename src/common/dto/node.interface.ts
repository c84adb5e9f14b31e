import { Field, ID, InterfaceType } from 'type-graphql';

/** Relay Node. Rows handed to node() carry __typename so the interface resolves without class instances. */
@InterfaceType({
  description: 'An object with a globally unique id.',
  resolveType: (value: { __typename?: string }) => value.__typename,
})
export abstract class Node {
  @Field(() => ID)
  id: string;
}
