import DataLoader from 'dataloader';
import { groupedLoader, inKeyOrder } from '../../common/grouped-loader';
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
    accountByKeyLoader: new DataLoader<OwnedKey, AccountRow | null, string>(
      async (keys) => inKeyOrder(keys.map(ownedKey), await repo.accountsByKeys(keys), (r) => `${r.customerId}.${r.id}`),
      { cacheKeyFn: ownedKey },
    ),
    accountPageByCustomerLoader: groupedLoader<string, { options: AccountListOptions; page: Page }, AccountRow[]>(
      (ids, { options, page }) => repo.accountPages(ids, options, page),
      (id) => id,
    ),
    accountCountByCustomerLoader: groupedLoader<string, AccountListOptions, number>(
      (ids, options) => repo.accountCounts(ids, options),
      (id) => id,
    ),
    transactionPageByAccountLoader: groupedLoader(
      (keys: OwnedKey[], { options, page }: { options: TransactionListOptions; page: Page }) => repo.transactionPages(keys, options, page),
      ownedKey,
    ),
    transactionCountByAccountLoader: groupedLoader((keys: OwnedKey[], options: TransactionListOptions) => repo.transactionCounts(keys, options), ownedKey),
    transactionPageByCustomerLoader: groupedLoader(
      (ids: string[], { options, page }: { options: TransactionListOptions; page: Page }) => repo.transactionPages(ids, options, page),
      (id: string) => id,
    ),
    transactionCountByCustomerLoader: groupedLoader((ids: string[], options: TransactionListOptions) => repo.transactionCounts(ids, options), (id: string) => id),
    loanByAccountLoader: new DataLoader<OwnedKey, LoanRow | null, string>(
      async (keys) => inKeyOrder(keys.map(ownedKey), await repo.loansByAccounts(keys), (r) => `${r.customerId}.${r.accountId}`),
      { cacheKeyFn: ownedKey },
    ),
    cardsByAccountLoader: new DataLoader<OwnedKey, CardRow[], string>(
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
