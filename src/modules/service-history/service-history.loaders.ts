import DataLoader from 'dataloader';
import { groupedLoader, inKeyOrder } from '../../common/grouped-loader';
import { Page } from '../../common/pagination';
import { FollowUpListOptions, FollowUpRow, InteractionRow, OwnedKey, ServiceHistoryRepository, TimelineOptions } from './service-history.repository';
import { TimelineKey } from './timeline';

const ownedKey = (k: OwnedKey) => `${k.customerId}.${k.id}`;

export function createServiceHistoryLoaders(repo: ServiceHistoryRepository) {
  return {
    interactionByKeyLoader: new DataLoader<OwnedKey, InteractionRow | null, string>(
      async (keys) => inKeyOrder(keys.map(ownedKey), await repo.interactionsByKeys(keys), (r) => `${r.customerId}.${r.id}`),
      { cacheKeyFn: ownedKey },
    ),
    followUpByKeyLoader: new DataLoader<OwnedKey, FollowUpRow | null, string>(
      async (keys) => inKeyOrder(keys.map(ownedKey), await repo.followUpsByKeys(keys), (r) => `${r.customerId}.${r.id}`),
      { cacheKeyFn: ownedKey },
    ),
    timelinePageByCustomerLoader: groupedLoader(
      (ids: string[], { options, page, after }: { options: TimelineOptions; page: Page; after: TimelineKey | null }) =>
        repo.timelinePages(ids, options, page, after),
      (id: string) => id,
    ),
    timelineCountByCustomerLoader: groupedLoader((ids: string[], options: TimelineOptions) => repo.timelineCounts(ids, options), (id: string) => id),
    contactHistoryByCustomerLoader: groupedLoader(
      (ids: string[], { now, historyDays }: { now: string; historyDays: number }) => repo.contactHistories(ids, now, historyDays),
      (id: string) => id,
    ),
    followUpPageByCustomerLoader: groupedLoader(
      (ids: string[], { options, page }: { options: FollowUpListOptions; page: Page }) => repo.followUpPages(ids, options, page),
      (id: string) => id,
    ),
    followUpCountByCustomerLoader: groupedLoader((ids: string[], options: FollowUpListOptions) => repo.followUpCounts(ids, options), (id: string) => id),
  };
}

export type ServiceHistoryLoaders = ReturnType<typeof createServiceHistoryLoaders>;
