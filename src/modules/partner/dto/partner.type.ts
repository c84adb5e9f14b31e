import { Field, ID, ObjectType } from 'type-graphql';
import { connectionTypes } from '../../../common/dto/connection.type';
import { Node } from '../../../common/dto/node.interface';
import { CurrencyScalar, DateTimeScalar, MoneyScalar } from '../../../graphql/scalars';

@ObjectType({ implements: Node, description: 'A partner platform: e-commerce, dining, streaming, a co-branded card programme...' })
export class Partner implements Node {
  @Field(() => ID)
  id: string;

  @Field({ description: 'Stable short code, e.g. "shopmall".' })
  code: string;

  @Field()
  name: string;

  @Field()
  industry: string;

  @Field(() => String, { nullable: true })
  coBrandedProduct: string | null;
}

@ObjectType({ implements: Node, description: 'A purchase made with a partner, shared under the customer’s consent.' })
export class PartnerPurchase implements Node {
  @Field(() => ID)
  id: string;

  @Field(() => Partner)
  partner: Partner;

  @Field(() => DateTimeScalar)
  purchasedAt: Date;

  @Field(() => MoneyScalar)
  amount: string;

  @Field(() => CurrencyScalar)
  currency: string;

  @Field(() => String, { nullable: true })
  category: string | null;

  @Field(() => String, { nullable: true })
  merchantCategoryCode: string | null;
}

export const { Connection: PartnerPurchaseConnection, Edge: PartnerPurchaseEdge } = connectionTypes(PartnerPurchase, 'PartnerPurchase');
