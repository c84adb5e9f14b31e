import { DataSource } from 'typeorm';
import { readQuery } from '../../database/read-routing';
import { groupInKeyOrder } from '../../common/grouped-loader';
import { Page } from '../../common/pagination';
import { keyset, lateralPages, Paged, pageRowNumber, SqlParams } from '../../database/sql';

export interface OwnedKey {
  customerId: string;
  id: string;
}

export interface AccountRow {
  customerId: string;
  id: string;
  productType: string;
  accountNumber: string | null;
  currency: string;
  status: string;
  openedAt: Date;
  closedAt: Date | null;
  balance: string;
  creditLimit: string | null;
  interestRate: string | null;
  __sort?: string | null;
}

export interface TransactionRow {
  customerId: string;
  id: string;
  accountId: string;
  bookedAt: Date;
  amount: string;
  currency: string;
  channel: string;
  counterpartyKind: string;
  counterpartyName: string | null;
  merchantCategoryCode: string | null;
  description: string | null;
  __sort?: string | null;
}

export interface LoanRow {
  customerId: string;
  id: string;
  accountId: string;
  principal: string;
  termMonths: number;
  monthlyPayment: string | null;
  status: string;
  grantedAt: Date;
}

export interface CardRow {
  customerId: string;
  id: string;
  accountId: string;
  cardType: string;
  tier: string;
  partnerId: string | null;
  lastFour: string | null;
  issuedAt: Date;
}

export interface StandingOrderRow {
  customerId: string;
  id: string;
  accountId: string;
  amount: string;
  currency: string;
  purpose: string;
  recipientBank: string | null;
  recipientAccount: string | null;
}

export interface AccountListOptions {
  productTypes?: string[] | null;
  statuses?: string[] | null;
}

export interface TransactionListOptions {
  from?: Date | null;
  to?: Date | null;
  channel?: string[] | null;
  counterpartyKind?: string[] | null;
  minAmount?: string | null;
  maxAmount?: string | null;
  descending: boolean;
}

const ACCOUNT_COLUMNS = `a.customer_id AS "customerId", a.id, a.product_type AS "productType", a.account_number AS "accountNumber",
  a.currency, a.status, a.opened_at AS "openedAt", a.closed_at AS "closedAt", a.balance, a.credit_limit AS "creditLimit",
  a.interest_rate AS "interestRate"`;

const TRANSACTION_COLUMNS = `t.customer_id AS "customerId", t.id, t.account_id AS "accountId", t.booked_at AS "bookedAt", t.amount,
  t.currency, t.channel, t.counterparty_kind AS "counterpartyKind", t.counterparty_name AS "counterpartyName",
  t.merchant_category_code AS "merchantCategoryCode", t.description`;

const LOAN_COLUMNS = `l.customer_id AS "customerId", l.id, l.account_id AS "accountId", l.principal, l.term_months AS "termMonths",
  l.monthly_payment AS "monthlyPayment", l.status, l.granted_at AS "grantedAt"`;

const CARD_COLUMNS = `c.customer_id AS "customerId", c.id, c.account_id AS "accountId", c.card_type AS "cardType", c.tier,
  c.partner_id AS "partnerId", c.last_four AS "lastFour", c.issued_at AS "issuedAt"`;

const STANDING_ORDER_COLUMNS = `o.customer_id AS "customerId", o.id, o.account_id AS "accountId", o.amount, o.currency, o.purpose,
  o.recipient_bank AS "recipientBank", o.recipient_account AS "recipientAccount"`;

function accountConditions(options: AccountListOptions, params: SqlParams): string {
  const conds = ['a.customer_id = k.customer_id'];
  if (options.productTypes?.length) conds.push(`a.product_type = ANY(${params.add(options.productTypes, 'text[]')})`);
  if (options.statuses?.length) conds.push(`a.status = ANY(${params.add(options.statuses, 'text[]')})`);
  return conds.join(' AND ');
}

function transactionConditions(options: TransactionListOptions, params: SqlParams): string {
  const conds: string[] = [];
  if (options.from) conds.push(`t.booked_at >= ${params.add(options.from.toISOString(), 'timestamptz')}`);
  if (options.to) conds.push(`t.booked_at < ${params.add(options.to.toISOString(), 'timestamptz')}`);
  if (options.channel?.length) conds.push(`t.channel = ANY(${params.add(options.channel, 'text[]')})`);
  if (options.counterpartyKind?.length) conds.push(`t.counterparty_kind = ANY(${params.add(options.counterpartyKind, 'text[]')})`);
  if (options.minAmount != null) conds.push(`t.amount >= ${params.add(options.minAmount, 'numeric')}`);
  if (options.maxAmount != null) conds.push(`t.amount <= ${params.add(options.maxAmount, 'numeric')}`);
  return conds.length ? conds.join(' AND ') : 'TRUE';
}

/** SQL for accounts, transactions, loans, cards and standing orders. Every batch method takes keys and answers in key order. */
export class CoreBankingRepository {
  constructor(private readonly dataSource: DataSource) {}

  async accountsByKeys(keys: readonly OwnedKey[]): Promise<AccountRow[]> {
    return readQuery(this.dataSource, 
      `SELECT ${ACCOUNT_COLUMNS}
         FROM unnest($1::bigint[], $2::bigint[]) AS k(customer_id, id)
         JOIN account a ON a.customer_id = k.customer_id AND a.id = k.id`,
      [keys.map((k) => k.customerId), keys.map((k) => k.id)],
    );
  }

  async accountPages(customerIds: string[], options: AccountListOptions, page: Page): Promise<AccountRow[][]> {
    const params = new SqlParams();
    const ids = params.add(customerIds, 'bigint[]');
    const ks = keyset({ column: 'a.opened_at', cast: 'timestamptz', idColumn: 'a.id', descending: false }, page, params);
    const inner = `SELECT ${ACCOUNT_COLUMNS}, ${ks.sortSelect}, ${pageRowNumber(ks.orderBy)}
                     FROM account a
                    WHERE ${accountConditions(options, params)} AND ${ks.where}
                    ORDER BY ${ks.orderBy} LIMIT ${ks.limit}`;
    const rows: Paged<AccountRow>[] = await readQuery(this.dataSource, 
      lateralPages(`unnest(${ids}) WITH ORDINALITY AS k(customer_id, i)`, inner),
      params.values,
    );
    return groupInKeyOrder(customerIds.length, rows, (r) => r.__i - 1);
  }

  async accountCounts(customerIds: string[], options: AccountListOptions): Promise<number[]> {
    const params = new SqlParams();
    const ids = params.add(customerIds, 'bigint[]');
    const rows: { n: number }[] = await readQuery(this.dataSource, 
      `SELECT (SELECT count(*)::int FROM account a WHERE ${accountConditions(options, params)}) AS n
         FROM unnest(${ids}) WITH ORDINALITY AS k(customer_id, i) ORDER BY k.i`,
      params.values,
    );
    return rows.map((r) => r.n);
  }

  /** Pages of transactions for many owners: per account (accountIds given) or per customer (across accounts). */
  async transactionPages(owners: OwnedKey[] | string[], options: TransactionListOptions, page: Page): Promise<TransactionRow[][]> {
    const params = new SqlParams();
    const { from, ownerCondition } = this.ownerKeys(owners, params);
    const ks = keyset({ column: 't.booked_at', cast: 'timestamptz', idColumn: 't.id', descending: options.descending }, page, params);
    const inner = `SELECT ${TRANSACTION_COLUMNS}, ${ks.sortSelect}, ${pageRowNumber(ks.orderBy)}
                     FROM bank_transaction t
                    WHERE ${ownerCondition} AND ${transactionConditions(options, params)} AND ${ks.where}
                    ORDER BY ${ks.orderBy} LIMIT ${ks.limit}`;
    const rows: Paged<TransactionRow>[] = await readQuery(this.dataSource, lateralPages(from, inner), params.values);
    return groupInKeyOrder(owners.length, rows, (r) => r.__i - 1);
  }

  async transactionCounts(owners: OwnedKey[] | string[], options: TransactionListOptions): Promise<number[]> {
    const params = new SqlParams();
    const { from, ownerCondition } = this.ownerKeys(owners, params);
    const rows: { n: number }[] = await readQuery(this.dataSource, 
      `SELECT (SELECT count(*)::int FROM bank_transaction t WHERE ${ownerCondition} AND ${transactionConditions(options, params)}) AS n
         FROM ${from} ORDER BY k.i`,
      params.values,
    );
    return rows.map((r) => r.n);
  }

  async loansByAccounts(keys: readonly OwnedKey[]): Promise<LoanRow[]> {
    return readQuery(this.dataSource, 
      `SELECT ${LOAN_COLUMNS}
         FROM unnest($1::bigint[], $2::bigint[]) AS k(customer_id, account_id)
         JOIN loan l ON l.customer_id = k.customer_id AND l.account_id = k.account_id
        ORDER BY l.granted_at, l.id`, // the newest loan of an account wins in key mapping
      [keys.map((k) => k.customerId), keys.map((k) => k.id)],
    );
  }

  async cardsByAccounts(keys: readonly OwnedKey[]): Promise<CardRow[]> {
    return readQuery(this.dataSource, 
      `SELECT ${CARD_COLUMNS}
         FROM unnest($1::bigint[], $2::bigint[]) AS k(customer_id, account_id)
         JOIN card c ON c.customer_id = k.customer_id AND c.account_id = k.account_id
        ORDER BY c.issued_at, c.id`,
      [keys.map((k) => k.customerId), keys.map((k) => k.id)],
    );
  }

  async standingOrdersByAccounts(keys: readonly OwnedKey[]): Promise<StandingOrderRow[]> {
    return readQuery(
      this.dataSource,
      `SELECT ${STANDING_ORDER_COLUMNS}
         FROM unnest($1::bigint[], $2::bigint[]) AS k(customer_id, account_id)
         JOIN standing_order o ON o.customer_id = k.customer_id AND o.account_id = k.account_id
        ORDER BY o.id`,
      [keys.map((k) => k.customerId), keys.map((k) => k.id)],
    );
  }

  async transactionByKey(key: OwnedKey): Promise<TransactionRow | null> {
    const rows = await readQuery(this.dataSource, 
      `SELECT ${TRANSACTION_COLUMNS} FROM bank_transaction t WHERE t.customer_id = $1 AND t.id = $2`,
      [key.customerId, key.id],
    );
    return rows[0] ?? null;
  }

  async loanByKey(key: OwnedKey): Promise<LoanRow | null> {
    const rows = await readQuery(this.dataSource, `SELECT ${LOAN_COLUMNS} FROM loan l WHERE l.customer_id = $1 AND l.id = $2`, [key.customerId, key.id]);
    return rows[0] ?? null;
  }

  async cardByKey(key: OwnedKey): Promise<CardRow | null> {
    const rows = await readQuery(this.dataSource, `SELECT ${CARD_COLUMNS} FROM card c WHERE c.customer_id = $1 AND c.id = $2`, [key.customerId, key.id]);
    return rows[0] ?? null;
  }

  async standingOrderByKey(key: OwnedKey): Promise<StandingOrderRow | null> {
    const rows = await readQuery(this.dataSource, `SELECT ${STANDING_ORDER_COLUMNS} FROM standing_order o WHERE o.customer_id = $1 AND o.id = $2`, [key.customerId, key.id]);
    return rows[0] ?? null;
  }

  private ownerKeys(owners: OwnedKey[] | string[], params: SqlParams): { from: string; ownerCondition: string } {
    if (owners.length > 0 && typeof owners[0] === 'object') {
      const keys = owners as OwnedKey[];
      const c = params.add(keys.map((k) => k.customerId), 'bigint[]');
      const a = params.add(keys.map((k) => k.id), 'bigint[]');
      return {
        from: `unnest(${c}, ${a}) WITH ORDINALITY AS k(customer_id, account_id, i)`,
        ownerCondition: 't.customer_id = k.customer_id AND t.account_id = k.account_id',
      };
    }
    const c = params.add(owners, 'bigint[]');
    return { from: `unnest(${c}) WITH ORDINALITY AS k(customer_id, i)`, ownerCondition: 't.customer_id = k.customer_id' };
  }
}
