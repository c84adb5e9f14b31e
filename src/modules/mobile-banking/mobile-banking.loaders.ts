import { batchLoader, groupedLoader, inKeyOrder } from '../../common/grouped-loader';
import { Page } from '../../common/pagination';
import { EnrolmentRow, MobileBankingRepository } from './mobile-banking.repository';

export function createMobileBankingLoaders(repo: MobileBankingRepository) {
  return {
    enrolmentByCustomerLoader: batchLoader<string, EnrolmentRow | null>('enrolmentByCustomerLoader', async (ids) =>
      inKeyOrder(ids, await repo.enrolmentsByCustomerIds(ids), (r) => r.customerId),
    ),
    sessionPageByCustomerLoader: groupedLoader((ids: string[], page: Page) => repo.sessionPages(ids, page), (id: string) => id, 'sessionPageByCustomerLoader'),
    sessionCountByCustomerLoader: batchLoader<string, number>('sessionCountByCustomerLoader', (ids) => repo.sessionCounts([...ids])),
  };
}

export type MobileBankingLoaders = ReturnType<typeof createMobileBankingLoaders>;
