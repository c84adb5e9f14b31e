import DataLoader from 'dataloader';
import { groupedLoader, inKeyOrder } from '../../common/grouped-loader';
import { Page } from '../../common/pagination';
import { PartnerRepository, PartnerRow, PurchaseListOptions } from './partner.repository';

export function createPartnerLoaders(repo: PartnerRepository) {
  return {
    partnerByIdLoader: new DataLoader<string, PartnerRow | null>(async (ids) => inKeyOrder(ids, await repo.findByIds(ids), (r) => r.id)),
    purchasePageByCustomerLoader: groupedLoader(
      (ids: string[], { options, page }: { options: PurchaseListOptions; page: Page }) => repo.purchasePages(ids, options, page),
      (id: string) => id,
    ),
    purchaseCountByCustomerLoader: groupedLoader((ids: string[], options: PurchaseListOptions) => repo.purchaseCounts(ids, options), (id: string) => id),
  };
}

export type PartnerLoaders = ReturnType<typeof createPartnerLoaders>;
