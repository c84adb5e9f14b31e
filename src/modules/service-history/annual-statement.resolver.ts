import { Arg, Ctx, FieldResolver, Int, Resolver, Root } from 'type-graphql';
import { GraphQLContext } from '../../graphql/context';
import { CustomerView } from '../customer/customer.service';
import { Customer } from '../customer/dto/customer.type';
import { Partner } from '../partner/dto/partner.type';
import { AnnualStatement, PartnerSpending } from './dto/annual-statement.type';

@Resolver(() => Customer)
export class CustomerAnnualStatementResolver {
  @FieldResolver(() => AnnualStatement, { nullable: true, description: 'The customer’s year in figures (calendar year in the bank’s time zone). Null for partners.' })
  annualStatement(@Root() customer: CustomerView, @Arg('year', () => Int) year: number, @Ctx() ctx: GraphQLContext) {
    return ctx.services.annualStatement.statementOf(customer.localId, year);
  }
}

@Resolver(() => PartnerSpending)
export class PartnerSpendingResolver {
  @FieldResolver(() => Partner)
  partner(@Root() row: { partnerId: string }, @Ctx() ctx: GraphQLContext) {
    return ctx.services.partner.byLocalId(row.partnerId);
  }
}
