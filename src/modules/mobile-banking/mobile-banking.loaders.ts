import DataLoader from 'dataloader';
import { groupedLoader, inKeyOrder } from '../../common/grouped-loader';
import { Page } from '../../common/pagination';
import { EnrolmentRow, MobileBankingRepository } from './mobile-banking.repository';

export function createMobileBankingLoaders(repo: MobileBankingRepository) {
  return {
    enrolmentByCustomerLoader: new DataLoader<string, EnrolmentRow | null>(async (ids) =>
      inKeyOrder(ids, await repo.enrolmentsByCustomerIds(ids), (r) => r.customerId),
    ),
    sessionPageByCustomerLoader: groupedLoader((ids: string[], page: Page) => repo.sessionPages(ids, page), (id: string) => id),
    sessionCountByCustomerLoader: new DataLoader<string, number>((ids) => repo.sessionCounts([...ids])),
  };
}

export type MobileBankingLoaders = ReturnType<typeof createMobileBankingLoaders>;
