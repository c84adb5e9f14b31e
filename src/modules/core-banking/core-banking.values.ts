/**
 * The core-banking vocabularies (product types, statuses, channels...), apart from the entities so that code
 * which only checks values (the ingestion parse workers) does not load TypeORM.
 */
export const HOLDER_ROLES = ['OWNER', 'DISPONENT'] as const;
export type HolderRole = (typeof HOLDER_ROLES)[number];
export const PRODUCT_TYPES = ['CURRENT', 'SAVINGS', 'TIME_DEPOSIT', 'LOAN', 'CREDIT_CARD', 'FUND'] as const;
export type ProductType = (typeof PRODUCT_TYPES)[number];
export const ACCOUNT_STATUSES = ['OPEN', 'DORMANT', 'CLOSED'] as const;
export type AccountStatus = (typeof ACCOUNT_STATUSES)[number];
export const CARD_TYPES = ['DEBIT', 'CREDIT', 'CO_BRANDED'] as const;
export type CardType = (typeof CARD_TYPES)[number];
export const CARD_TIERS = ['JUNIOR', 'CLASSIC', 'GOLD', 'PLATINUM'] as const;
export type CardTier = (typeof CARD_TIERS)[number];
export const LOAN_STATUSES = ['ACTIVE', 'IN_ARREARS', 'REPAID', 'DEFAULTED'] as const;
export type LoanStatus = (typeof LOAN_STATUSES)[number];
export const CHANNELS = ['BRANCH', 'ATM', 'MOBILE', 'ONLINE', 'POS'] as const;
export type Channel = (typeof CHANNELS)[number];
export const COUNTERPARTY_KINDS = [
  'OWN_BANK',
  'OTHER_BANK',
  'THIRD_PARTY_PLATFORM',
  'MERCHANT',
  'CASH',
  'BANK_FEE',
  'INTEREST',
  'GOVERNMENT',
] as const;
export type CounterpartyKind = (typeof COUNTERPARTY_KINDS)[number];
/** What a standing order pays for (Berka's order.asc k_symbol: POJISTNE, SIPO, LEASING, UVER, or none). */
export const STANDING_ORDER_PURPOSES = ['INSURANCE', 'HOUSEHOLD_BILLS', 'LEASING', 'LOAN_REPAYMENT', 'OTHER'] as const;
export type StandingOrderPurpose = (typeof STANDING_ORDER_PURPOSES)[number];
