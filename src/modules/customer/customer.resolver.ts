import { Arg, Args, Ctx, FieldResolver, ID, Query, Resolver, Root } from 'type-graphql';
import { GraphQLContext } from '../../graphql/context';
import { Branch } from '../branch/dto/branch.type';
import { BranchView } from '../branch/branch.service';
import { AccountConnection, TransactionConnection } from '../core-banking/dto/account.type';
import { AccountsArgs, TransactionsArgs } from '../core-banking/dto/transaction.args';
import { MobileBanking } from '../mobile-banking/dto/mobile-banking.type';
import { PartnerPurchaseConnection } from '../partner/dto/partner.type';
import { PartnerPurchasesArgs } from '../partner/dto/partner-purchases.args';
import { CustomerView } from './customer.service';
import { Customer, CustomerConnection, SourceRecord } from './dto/customer.type';
import { CustomersArgs } from './dto/customers.args';

@Resolver(() => Customer)
export class CustomerResolver {
  @Query(() => Customer, { nullable: true, description: 'One customer by global id; null when there is none.' })
  customer(@Arg('id', () => ID) id: string, @Ctx() ctx: GraphQLContext): Promise<CustomerView | null> {
    return ctx.services.customer.getById(id);
  }

  @Query(() => Customer, { nullable: true, description: 'The customer a source record (system + key) was merged into.' })
  customerBySource(@Arg('system') system: string, @Arg('key') key: string, @Ctx() ctx: GraphQLContext): Promise<CustomerView | null> {
    return ctx.services.customer.getBySource(system, key);
  }

  @Query(() => CustomerConnection, { description: 'Customers, filtered and ordered, as a Relay connection (pages of at most 100).' })
  customers(@Args() args: CustomersArgs, @Ctx() ctx: GraphQLContext) {
    return ctx.services.customer.list(args);
  }

  @FieldResolver(() => Branch, { nullable: true })
  homeBranch(@Root() customer: CustomerView, @Ctx() ctx: GraphQLContext): Promise<BranchView | null> {
    return ctx.services.branch.byLocalId(customer.homeBranchId);
  }

  @FieldResolver(() => AccountConnection, { nullable: true, description: 'Accounts in the order they were opened. Null when the caller may not see them.' })
  accounts(@Root() customer: CustomerView, @Args() args: AccountsArgs, @Ctx() ctx: GraphQLContext) {
    return ctx.services.coreBanking.accountsOf(customer.localId, args);
  }

  @FieldResolver(() => TransactionConnection, { nullable: true, description: 'Transactions across all accounts, newest first by default. Null when the caller may not see them.' })
  transactions(@Root() customer: CustomerView, @Args() args: TransactionsArgs, @Ctx() ctx: GraphQLContext) {
    return ctx.services.coreBanking.transactionsOfCustomer(customer.localId, args);
  }

  @FieldResolver(() => MobileBanking, { nullable: true, description: 'Null when the customer never enrolled.' })
  mobileBanking(@Root() customer: CustomerView, @Ctx() ctx: GraphQLContext) {
    return ctx.services.mobileBanking.enrolmentOf(customer.localId);
  }

  @FieldResolver(() => PartnerPurchaseConnection, { nullable: true, description: 'Purchases with partners, newest first; a partner sees only its own. Null when the caller may not see them.' })
  partnerPurchases(@Root() customer: CustomerView, @Args() args: PartnerPurchasesArgs, @Ctx() ctx: GraphQLContext) {
    return ctx.services.partner.purchasesOf(customer.localId, { ...args, partnerCode: args.partner });
  }

  @FieldResolver(() => [SourceRecord], { nullable: true, description: 'Every source record merged into this customer. Null for partners.' })
  sources(@Root() customer: CustomerView, @Ctx() ctx: GraphQLContext) {
    return ctx.services.customer.sources(customer);
  }
}
