import { ArgsType, Field, Int } from 'type-graphql';

@ArgsType()
export class ForwardPageArgs {
  @Field(() => Int, { nullable: true, description: 'Page size, 0 to 100 (default 20).' })
  first?: number | null;

  @Field(() => String, { nullable: true })
  after?: string | null;
}

@ArgsType()
export class PageArgs extends ForwardPageArgs {
  @Field(() => Int, { nullable: true, description: 'Page size from the end, 0 to 100.' })
  last?: number | null;

  @Field(() => String, { nullable: true })
  before?: string | null;
}
