import { Field, ID, ObjectType } from 'type-graphql';
import { Node } from '../../../common/dto/node.interface';

@ObjectType({ implements: Node })
export class Branch implements Node {
  @Field(() => ID)
  id: string;

  @Field()
  code: string;

  @Field()
  name: string;

  @Field(() => String, { nullable: true })
  city: string | null;

  @Field(() => String, { nullable: true })
  region: string | null;
}
