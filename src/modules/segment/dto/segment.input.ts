import { ArgsType, Field, InputType } from 'type-graphql';
import { PageArgs } from '../../../common/dto/page.args';
import { DateTimeScalar } from '../../../graphql/scalars';
import { CustomerFilter } from '../../customer/dto/customer-filter.input';

@InputType()
export class CreateSegmentInput {
  @Field({ description: 'Lower-case letters, digits and dashes, starting with a letter; at most 63.' })
  key: string;

  @Field()
  name: string;

  @Field(() => String, { nullable: true })
  description?: string | null;

  @Field(() => CustomerFilter)
  filter: CustomerFilter;
}

@InputType({ description: 'Fields left out stay as they are. A new filter recomputes the members at once.' })
export class UpdateSegmentInput {
  @Field(() => String, { nullable: true })
  name?: string | null;

  @Field(() => String, { nullable: true })
  description?: string | null;

  @Field(() => CustomerFilter, { nullable: true })
  filter?: CustomerFilter | null;
}

@ArgsType()
export class SegmentTransitionsArgs extends PageArgs {
  @Field(() => DateTimeScalar, { nullable: true, description: 'From this instant (inclusive).' })
  from?: Date | null;

  @Field(() => DateTimeScalar, { nullable: true, description: 'Up to this instant (exclusive).' })
  to?: Date | null;
}
