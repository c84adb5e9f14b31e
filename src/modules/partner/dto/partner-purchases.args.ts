import { ArgsType, Field } from 'type-graphql';
import { ForwardPageArgs } from '../../../common/dto/page.args';
import { DateTimeScalar } from '../../../graphql/scalars';

@ArgsType()
export class PartnerPurchasesArgs extends ForwardPageArgs {
  @Field(() => String, { nullable: true, description: 'Only this partner’s purchases (partner code).' })
  partner?: string | null;

  @Field(() => DateTimeScalar, { nullable: true, description: 'Purchased at or after.' })
  from?: Date | null;

  @Field(() => DateTimeScalar, { nullable: true, description: 'Purchased before.' })
  to?: Date | null;
}
