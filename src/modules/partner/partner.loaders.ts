import { batchLoader, groupedLoader, inKeyOrder } from '../../common/grouped-loader';
import { Page } from '../../common/pagination';
import { PartnerRepository, PartnerRow, PurchaseListOptions } from './partner.repository';

export function createPartnerLoaders(repo: PartnerRepository) {
  return {
    partnerByIdLoader: batchLoader<string, PartnerRow | null>('partnerByIdLoader', async (ids) => inKeyOrder(ids, await repo.findByIds(ids), (r) => r.id)),
    purchasePageByCustomerLoader: groupedLoader(
      (ids: string[], { options, page }: { options: PurchaseListOptions; page: Page }) => repo.purchasePages(ids, options, page),
      (id: string) => id,
      'purchasePageByCustomerLoader',
    ),
    purchaseCountByCustomerLoader: groupedLoader((ids: string[], options: PurchaseListOptions) => repo.purchaseCounts(ids, options), (id: string) => id, 'purchaseCountByCustomerLoader'),
  };
}

export type PartnerLoaders = ReturnType<typeof createPartnerLoaders>;
