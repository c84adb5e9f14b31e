import { Ctx, FieldResolver, Query, Resolver, Root } from 'type-graphql';
import { GraphQLContext } from '../../graphql/context';
import { Partner, PartnerPurchase } from './dto/partner.type';
import { PurchaseView } from './partner.service';

@Resolver(() => PartnerPurchase)
export class PartnerResolver {
  @Query(() => [Partner], { description: 'All partner platforms.' })
  partners(@Ctx() ctx: GraphQLContext) {
    return ctx.services.partner.all();
  }

  @FieldResolver(() => Partner)
  partner(@Root() purchase: PurchaseView, @Ctx() ctx: GraphQLContext) {
    return ctx.services.partner.byLocalId(purchase.partnerId);
  }
}
