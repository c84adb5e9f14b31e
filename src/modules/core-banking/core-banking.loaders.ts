import { batchLoader, groupedLoader, inKeyOrder } from '../../common/grouped-loader';
import { Page } from '../../common/pagination';
import {
  AccountListOptions,
  AccountRow,
  CardRow,
  CoreBankingRepository,
  LoanRow,
  OwnedKey,
  StandingOrderRow,
  TransactionListOptions,
} from './core-banking.repository';

const ownedKey = (k: OwnedKey) => `${k.customerId}.${k.id}`;

/** An account's rows for each key, in the order the query gave them; none for an account without rows. */
function rowsPerAccount<R extends { customerId: string; accountId: string }>(keys: readonly OwnedKey[], rows: R[]): R[][] {
  const byAccount = new Map<string, R[]>();
  for (const row of rows) {
    const key = `${row.customerId}.${row.accountId}`;
    const list = byAccount.get(key);
    if (list) list.push(row);
    else byAccount.set(key, [row]);
  }
  return keys.map((k) => byAccount.get(ownedKey(k)) ?? []);
}

export function createCoreBankingLoaders(repo: CoreBankingRepository) {
  return {
    accountByKeyLoader: batchLoader<OwnedKey, AccountRow | null, string>(
      'accountByKeyLoader',
      async (keys) => inKeyOrder(keys.map(ownedKey), await repo.accountsByKeys(keys), (r) => `${r.customerId}.${r.id}`),
      { cacheKeyFn: ownedKey },
    ),
    accountPageByCustomerLoader: groupedLoader<string, { options: AccountListOptions; page: Page }, AccountRow[]>(
      (ids, { options, page }) => repo.accountPages(ids, options, page),
      (id) => id,
      'accountPageByCustomerLoader',
    ),
    accountCountByCustomerLoader: groupedLoader<string, AccountListOptions, number>(
      (ids, options) => repo.accountCounts(ids, options),
      (id) => id,
      'accountCountByCustomerLoader',
    ),
    transactionPageByAccountLoader: groupedLoader(
      (keys: OwnedKey[], { options, page }: { options: TransactionListOptions; page: Page }) => repo.transactionPages(keys, options, page),
      ownedKey,
      'transactionPageByAccountLoader',
    ),
    transactionCountByAccountLoader: groupedLoader(
      (keys: OwnedKey[], options: TransactionListOptions) => repo.transactionCounts(keys, options),
      ownedKey,
      'transactionCountByAccountLoader',
    ),
    transactionPageByCustomerLoader: groupedLoader(
      (ids: string[], { options, page }: { options: TransactionListOptions; page: Page }) => repo.transactionPages(ids, options, page),
      (id: string) => id,
      'transactionPageByCustomerLoader',
    ),
    transactionCountByCustomerLoader: groupedLoader(
      (ids: string[], options: TransactionListOptions) => repo.transactionCounts(ids, options),
      (id: string) => id,
      'transactionCountByCustomerLoader',
    ),
    loanByAccountLoader: batchLoader<OwnedKey, LoanRow | null, string>(
      'loanByAccountLoader',
      async (keys) => inKeyOrder(keys.map(ownedKey), await repo.loansByAccounts(keys), (r) => `${r.customerId}.${r.accountId}`),
      { cacheKeyFn: ownedKey },
    ),
    cardsByAccountLoader: batchLoader<OwnedKey, CardRow[], string>(
      'cardsByAccountLoader',
      async (keys) => rowsPerAccount(keys, await repo.cardsByAccounts(keys)),
      { cacheKeyFn: ownedKey },
    ),
    standingOrdersByAccountLoader: batchLoader<OwnedKey, StandingOrderRow[], string>(
      'standingOrdersByAccountLoader',
      async (keys) => rowsPerAccount(keys, await repo.standingOrdersByAccounts(keys)),
      { cacheKeyFn: ownedKey },
    ),
  };
}

export type CoreBankingLoaders = ReturnType<typeof createCoreBankingLoaders>;
