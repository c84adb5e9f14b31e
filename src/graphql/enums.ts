import { registerEnumType } from 'type-graphql';
import { ACCOUNT_STATUSES, PRODUCT_TYPES } from '../modules/core-banking/account.entity';
import { CARD_TIERS, CARD_TYPES } from '../modules/core-banking/card.entity';
import { LOAN_STATUSES } from '../modules/core-banking/loan.entity';
import { STANDING_ORDER_PURPOSES } from '../modules/core-banking/standing-order.entity';
import { CHANNELS, COUNTERPARTY_KINDS } from '../modules/core-banking/transaction.entity';
import { GENDERS, INCOME_BANDS } from '../modules/customer/customer.entity';

/** GraphQL enums are built from the same value lists the entities and CHECK constraints use. */
function enumOf<T extends readonly string[]>(values: T): { [K in T[number]]: K } {
  return Object.fromEntries(values.map((v) => [v, v])) as { [K in T[number]]: K };
}

export const Gender = enumOf(GENDERS);
export const IncomeBand = enumOf(INCOME_BANDS);
export const ProductType = enumOf(PRODUCT_TYPES);
export const AccountStatus = enumOf(ACCOUNT_STATUSES);
export const Channel = enumOf(CHANNELS);
export const CounterpartyKind = enumOf(COUNTERPARTY_KINDS);
export const LoanStatus = enumOf(LOAN_STATUSES);
export const CardType = enumOf(CARD_TYPES);
export const CardTier = enumOf(CARD_TIERS);
export const StandingOrderPurpose = enumOf(STANDING_ORDER_PURPOSES);
export const SortDirection = { ASC: 'ASC', DESC: 'DESC' } as const;

registerEnumType(Gender, { name: 'Gender' });
registerEnumType(IncomeBand, { name: 'IncomeBand', description: 'Self-declared or estimated income band.' });
registerEnumType(ProductType, { name: 'ProductType' });
registerEnumType(AccountStatus, { name: 'AccountStatus' });
registerEnumType(Channel, { name: 'Channel', description: 'Where a transaction was made.' });
registerEnumType(CounterpartyKind, {
  name: 'CounterpartyKind',
  description: 'Who is on the other side; THIRD_PARTY_PLATFORM is Alipay, WeChat Pay and the like.',
});
registerEnumType(LoanStatus, { name: 'LoanStatus' });
registerEnumType(CardType, { name: 'CardType' });
registerEnumType(CardTier, { name: 'CardTier' });
registerEnumType(StandingOrderPurpose, {
  name: 'StandingOrderPurpose',
  description: 'What a standing order pays: insurance premiums, household bills, leasing, a loan repayment, or something else.',
});
registerEnumType(SortDirection, { name: 'SortDirection' });
