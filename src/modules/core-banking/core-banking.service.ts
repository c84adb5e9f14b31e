import { badInput } from '../../common/errors';
import { ownedLocalId, toGlobalId } from '../../common/global-id';
import { ConnectionData, PageArgs, toConnection, toPage } from '../../common/pagination';
import { CoreBankingLoaders } from './core-banking.loaders';
import {
  AccountListOptions,
  CoreBankingRepository,
  AccountRow,
  CardRow,
  LoanRow,
  OwnedKey,
  StandingOrderRow,
  TransactionListOptions,
  TransactionRow,
} from './core-banking.repository';

export const ACCOUNT_TYPE = 'Account';
export const TRANSACTION_TYPE = 'Transaction';
export const LOAN_TYPE = 'Loan';
export const CARD_TYPE = 'Card';
export const STANDING_ORDER_TYPE = 'StandingOrder';

type View<R extends { id: string }> = Omit<R, 'id'> & { id: string; localId: string };
export type AccountView = View<AccountRow>;
export type TransactionView = View<TransactionRow>;
export type LoanView = View<LoanRow>;
export type CardView = View<CardRow>;
export type StandingOrderView = View<StandingOrderRow>;

function view<R extends { id: string; customerId: string }>(type: string, row: R): View<R> {
  return { ...row, id: toGlobalId(type, ownedLocalId(row.customerId, row.id)), localId: row.id };
}

export const toAccountView = (row: AccountRow) => view(ACCOUNT_TYPE, row);
export const toTransactionView = (row: TransactionRow) => view(TRANSACTION_TYPE, row);
export const toLoanView = (row: LoanRow) => view(LOAN_TYPE, row);
export const toCardView = (row: CardRow) => view(CARD_TYPE, row);
export const toStandingOrderView = (row: StandingOrderRow) => view(STANDING_ORDER_TYPE, row);

export interface TransactionsQuery extends PageArgs {
  filter?: Omit<TransactionListOptions, 'descending'> | null;
  orderBy?: { bookedAt: 'ASC' | 'DESC' } | null;
}

export interface AccountsQuery extends PageArgs, AccountListOptions {}

function transactionOptions(query: TransactionsQuery): TransactionListOptions {
  const filter = query.filter ?? {};
  if (filter.from && filter.to && filter.from >= filter.to) throw badInput('filter.to', 'to must be after from');
  if (filter.minAmount != null && filter.maxAmount != null && Number(filter.minAmount) > Number(filter.maxAmount)) {
    throw badInput('filter.maxAmount', 'maxAmount must not be below minAmount');
  }
  return {
    from: filter.from ?? null,
    to: filter.to ?? null,
    channel: filter.channel ?? null,
    counterpartyKind: filter.counterpartyKind ?? null,
    minAmount: filter.minAmount ?? null,
    maxAmount: filter.maxAmount ?? null,
    descending: (query.orderBy?.bookedAt ?? 'DESC') === 'DESC',
  };
}

function mapConnection<R extends { id: string }, V>(connection: ConnectionData<R>, map: (row: R) => V): ConnectionData<V> {
  return { ...connection, edges: connection.edges.map((e) => ({ cursor: e.cursor, node: map(e.node) })) };
}

/** Accounts, transactions, loans, cards and standing orders of a customer, read through per-request loaders. */
export class CoreBankingService {
  constructor(
    private readonly repo: CoreBankingRepository,
    private readonly loaders: CoreBankingLoaders,
  ) {}

  async transaction(key: OwnedKey): Promise<TransactionView | null> {
    const row = await this.repo.transactionByKey(key);
    return row ? toTransactionView(row) : null;
  }

  async loan(key: OwnedKey): Promise<LoanView | null> {
    const row = await this.repo.loanByKey(key);
    return row ? toLoanView(row) : null;
  }

  async card(key: OwnedKey): Promise<CardView | null> {
    const row = await this.repo.cardByKey(key);
    return row ? toCardView(row) : null;
  }

  async standingOrder(key: OwnedKey): Promise<StandingOrderView | null> {
    const row = await this.repo.standingOrderByKey(key);
    return row ? toStandingOrderView(row) : null;
  }

  async account(key: OwnedKey): Promise<AccountView | null> {
    const row = await this.loaders.accountByKeyLoader.load(key);
    return row ? toAccountView(row) : null;
  }

  async accountsOf(customerLocalId: string, query: AccountsQuery): Promise<ConnectionData<AccountView>> {
    const page = toPage(query);
    const options: AccountListOptions = { productTypes: query.productTypes ?? null, statuses: query.statuses ?? null };
    const rows = await this.loaders.accountPageByCustomerLoader.load({ parent: customerLocalId, args: { options, page } });
    const connection = toConnection([...rows], page, () =>
      this.loaders.accountCountByCustomerLoader.load({ parent: customerLocalId, args: options }),
    );
    return mapConnection(connection, toAccountView);
  }

  async transactionsOfAccount(account: OwnedKey, query: TransactionsQuery): Promise<ConnectionData<TransactionView>> {
    const page = toPage(query);
    const options = transactionOptions(query);
    const { descending: _ignored, ...countOptions } = options;
    const rows = await this.loaders.transactionPageByAccountLoader.load({ parent: account, args: { options, page } });
    const connection = toConnection([...rows], page, () =>
      this.loaders.transactionCountByAccountLoader.load({ parent: account, args: { ...countOptions, descending: false } }),
    );
    return mapConnection(connection, toTransactionView);
  }

  async transactionsOfCustomer(customerLocalId: string, query: TransactionsQuery): Promise<ConnectionData<TransactionView>> {
    const page = toPage(query);
    const options = transactionOptions(query);
    const { descending: _ignored, ...countOptions } = options;
    const rows = await this.loaders.transactionPageByCustomerLoader.load({ parent: customerLocalId, args: { options, page } });
    const connection = toConnection([...rows], page, () =>
      this.loaders.transactionCountByCustomerLoader.load({ parent: customerLocalId, args: { ...countOptions, descending: false } }),
    );
    return mapConnection(connection, toTransactionView);
  }

  async loanOf(account: OwnedKey): Promise<LoanView | null> {
    const row = await this.loaders.loanByAccountLoader.load(account);
    return row ? toLoanView(row) : null;
  }

  async cardsOf(account: OwnedKey): Promise<CardView[]> {
    return (await this.loaders.cardsByAccountLoader.load(account)).map(toCardView);
  }

  async standingOrdersOf(account: OwnedKey): Promise<StandingOrderView[]> {
    return (await this.loaders.standingOrdersByAccountLoader.load(account)).map(toStandingOrderView);
  }
}
