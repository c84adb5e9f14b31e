import { Field, ID, Int, ObjectType } from 'type-graphql';
import { connectionTypes } from '../../../common/dto/connection.type';
import { Node } from '../../../common/dto/node.interface';
import { AccountStatus, CardTier, CardType, Channel, CounterpartyKind, LoanStatus, ProductType, StandingOrderPurpose } from '../../../graphql/enums';
import { CurrencyScalar, DateTimeScalar, DecimalScalar, MoneyScalar } from '../../../graphql/scalars';
import { Partner } from '../../partner/dto/partner.type';

@ObjectType({ implements: Node })
export class Transaction implements Node {
  @Field(() => ID)
  id: string;

  @Field(() => DateTimeScalar)
  bookedAt: Date;

  @Field(() => MoneyScalar, { description: 'Signed: credits positive, debits negative.' })
  amount: string;

  @Field(() => CurrencyScalar)
  currency: string;

  @Field(() => Channel)
  channel: string;

  @Field(() => CounterpartyKind)
  counterpartyKind: string;

  @Field(() => String, { nullable: true })
  counterpartyName: string | null;

  @Field(() => String, { nullable: true })
  merchantCategoryCode: string | null;

  @Field(() => String, { nullable: true })
  description: string | null;
}

@ObjectType({ implements: Node })
export class Loan implements Node {
  @Field(() => ID)
  id: string;

  @Field(() => MoneyScalar)
  principal: string;

  @Field(() => Int)
  termMonths: number;

  @Field(() => MoneyScalar, { nullable: true })
  monthlyPayment: string | null;

  @Field(() => LoanStatus)
  status: string;

  @Field(() => DateTimeScalar)
  grantedAt: Date;
}

@ObjectType({ implements: Node })
export class Card implements Node {
  @Field(() => ID)
  id: string;

  @Field(() => CardType)
  cardType: string;

  @Field(() => CardTier)
  tier: string;

  @Field(() => String, { nullable: true, description: 'Last four digits; the full number is never stored.' })
  lastFour: string | null;

  @Field(() => DateTimeScalar)
  issuedAt: Date;

  @Field(() => Partner, { nullable: true, description: 'The partner of a co-branded card.' })
  partner: Partner | null;
}

@ObjectType({ implements: Node, description: 'A recurring payment the account sends out, e.g. household bills or insurance premiums.' })
export class StandingOrder implements Node {
  @Field(() => ID)
  id: string;

  @Field(() => MoneyScalar, { description: 'What each payment sends; always above zero (the money leaves the account).' })
  amount: string;

  @Field(() => CurrencyScalar)
  currency: string;

  @Field(() => StandingOrderPurpose)
  purpose: string;

  @Field(() => String, { nullable: true, description: 'The recipient’s bank, as the source codes it (Berka: a two-letter bank code).' })
  recipientBank: string | null;

  @Field(() => String, { nullable: true, description: 'The recipient’s account number at that bank.' })
  recipientAccount: string | null;
}

@ObjectType({ implements: Node })
export class Account implements Node {
  @Field(() => ID)
  id: string;

  @Field(() => ProductType)
  productType: string;

  @Field(() => String, { nullable: true })
  accountNumber: string | null;

  @Field(() => CurrencyScalar)
  currency: string;

  @Field(() => AccountStatus)
  status: string;

  @Field(() => DateTimeScalar)
  openedAt: Date;

  @Field(() => DateTimeScalar, { nullable: true })
  closedAt: Date | null;

  @Field(() => MoneyScalar)
  balance: string;

  @Field(() => MoneyScalar, { nullable: true })
  creditLimit: string | null;

  @Field(() => DecimalScalar, { nullable: true, description: 'Annual rate as a fraction, e.g. "0.0325".' })
  interestRate: string | null;
}

export const { Connection: AccountConnection, Edge: AccountEdge } = connectionTypes(Account, 'Account');
export const { Connection: TransactionConnection, Edge: TransactionEdge } = connectionTypes(Transaction, 'Transaction');
