import { ArgsType, Field, InputType } from 'type-graphql';
import { PageArgs } from '../../../common/dto/page.args';
import { AccountStatus, Channel, CounterpartyKind, ProductType, SortDirection } from '../../../graphql/enums';
import { DateTimeScalar, MoneyScalar } from '../../../graphql/scalars';
import { ForwardPageArgs } from '../../../common/dto/page.args';

@InputType({ description: 'Narrows a list of transactions. Amount bounds apply to the signed amount.' })
export class TransactionFilter {
  @Field(() => DateTimeScalar, { nullable: true, description: 'Booked at or after.' })
  from?: Date | null;

  @Field(() => DateTimeScalar, { nullable: true, description: 'Booked before.' })
  to?: Date | null;

  @Field(() => [Channel], { nullable: true })
  channel?: string[] | null;

  @Field(() => [CounterpartyKind], { nullable: true })
  counterpartyKind?: string[] | null;

  @Field(() => MoneyScalar, { nullable: true })
  minAmount?: string | null;

  @Field(() => MoneyScalar, { nullable: true })
  maxAmount?: string | null;
}

@InputType()
export class TransactionOrder {
  @Field(() => SortDirection, { defaultValue: 'DESC', description: 'By booking time, then id.' })
  bookedAt: 'ASC' | 'DESC';
}

@ArgsType()
export class TransactionsArgs extends PageArgs {
  @Field(() => TransactionFilter, { nullable: true })
  filter?: TransactionFilter | null;

  @Field(() => TransactionOrder, { nullable: true })
  orderBy?: TransactionOrder | null;
}

@ArgsType()
export class AccountsArgs extends ForwardPageArgs {
  @Field(() => [ProductType], { nullable: true })
  productTypes?: string[] | null;

  @Field(() => [AccountStatus], { nullable: true })
  statuses?: string[] | null;
}
