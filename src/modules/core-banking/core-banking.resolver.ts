import { Args, Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import { GraphQLContext } from '../../graphql/context';
import { Customer } from '../customer/dto/customer.type';
import { Partner } from '../partner/dto/partner.type';
import { AccountView, CardView, TransactionView } from './core-banking.service';
import { Account, Card, Loan, StandingOrder, Transaction, TransactionConnection } from './dto/account.type';
import { TransactionsArgs } from './dto/transaction.args';

const accountKey = (a: AccountView) => ({ customerId: a.customerId, id: a.localId });

@Resolver(() => Account)
export class AccountResolver {
  @FieldResolver(() => TransactionConnection, { description: 'This account’s transactions, newest first by default.' })
  transactions(@Root() account: AccountView, @Args() args: TransactionsArgs, @Ctx() ctx: GraphQLContext) {
    return ctx.services.coreBanking.transactionsOfAccount(accountKey(account), args);
  }

  @FieldResolver(() => Loan, { nullable: true, description: 'The loan booked on a LOAN account.' })
  loan(@Root() account: AccountView, @Ctx() ctx: GraphQLContext) {
    return ctx.services.coreBanking.loanOf(accountKey(account));
  }

  @FieldResolver(() => [Card])
  cards(@Root() account: AccountView, @Ctx() ctx: GraphQLContext) {
    return ctx.services.coreBanking.cardsOf(accountKey(account));
  }

  @FieldResolver(() => [StandingOrder], { description: 'The account’s standing orders, in the order they were first recorded.' })
  standingOrders(@Root() account: AccountView, @Ctx() ctx: GraphQLContext) {
    return ctx.services.coreBanking.standingOrdersOf(accountKey(account));
  }

  @FieldResolver(() => Customer, { description: 'The account’s owner.' })
  owner(@Root() account: AccountView, @Ctx() ctx: GraphQLContext) {
    return ctx.services.customer.getByLocalId(account.customerId);
  }
}

@Resolver(() => Transaction)
export class TransactionResolver {
  @FieldResolver(() => Account)
  account(@Root() transaction: TransactionView, @Ctx() ctx: GraphQLContext) {
    return ctx.services.coreBanking.account({ customerId: transaction.customerId, id: transaction.accountId });
  }
}

@Resolver(() => Card)
export class CardResolver {
  @FieldResolver(() => Partner, { nullable: true })
  partner(@Root() card: CardView, @Ctx() ctx: GraphQLContext) {
    return card.partnerId ? ctx.services.partner.byLocalId(card.partnerId) : null;
  }
}
