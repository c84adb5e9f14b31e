import { batchLoader, groupedLoader, inKeyOrder } from '../../common/grouped-loader';
import { Page } from '../../common/pagination';
import {
  AccountListOptions,
  AccountRow,
  CardRow,
  CoreBankingRepository,
  LoanRow,
  OwnedKey,
  TransactionListOptions,
} from './core-banking.repository';

const ownedKey = (k: OwnedKey) => `${k.customerId}.${k.id}`;

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
    transactionCountByAccountLoader: groupedLoader((keys: OwnedKey[], options: TransactionListOptions) => repo.transactionCounts(keys, options), ownedKey, 'transactionCountByAccountLoader'),
    transactionPageByCustomerLoader: groupedLoader(
      (ids: string[], { options, page }: { options: TransactionListOptions; page: Page }) => repo.transactionPages(ids, options, page),
      (id: string) => id,
      'transactionPageByCustomerLoader',
    ),
    transactionCountByCustomerLoader: groupedLoader((ids: string[], options: TransactionListOptions) => repo.transactionCounts(ids, options), (id: string) => id, 'transactionCountByCustomerLoader'),
    loanByAccountLoader: batchLoader<OwnedKey, LoanRow | null, string>(
      'loanByAccountLoader',
      async (keys) => inKeyOrder(keys.map(ownedKey), await repo.loansByAccounts(keys), (r) => `${r.customerId}.${r.accountId}`),
      { cacheKeyFn: ownedKey },
    ),
    cardsByAccountLoader: batchLoader<OwnedKey, CardRow[], string>(
      'cardsByAccountLoader',
      async (keys) => {
        const rows = await repo.cardsByAccounts(keys);
        const byAccount = new Map<string, CardRow[]>();
        for (const row of rows) {
          const key = `${row.customerId}.${row.accountId}`;
          byAccount.set(key, [...(byAccount.get(key) ?? []), row]);
        }
        return keys.map((k) => byAccount.get(ownedKey(k)) ?? []);
      },
      { cacheKeyFn: ownedKey },
    ),
  };
}

export type CoreBankingLoaders = ReturnType<typeof createCoreBankingLoaders>;
