import DataLoader from 'dataloader';
import { groupedLoader, groupInKeyOrder, inKeyOrder } from '../../common/grouped-loader';
import { Page } from '../../common/pagination';
import { MembershipRow, SegmentRepository, SegmentRow, TimeRange } from './segment.repository';

/** Per-request loaders: every list of segments, members or memberships costs one statement per level. */
export function createSegmentLoaders(repo: SegmentRepository) {
  return {
    segmentByKeyLoader: new DataLoader<string, SegmentRow | null>(async (keys) => inKeyOrder(keys, await repo.byKeys(keys), (r) => r.key)),
    segmentByIdLoader: new DataLoader<string, SegmentRow | null>(async (ids) => inKeyOrder(ids, await repo.byIds(ids), (r) => r.id)),
    sizeBySegmentIdLoader: new DataLoader<string, number>((ids) => repo.sizes(ids)),
    membershipsByCustomerIdLoader: new DataLoader<string, MembershipRow[]>(async (ids) => {
      const index = new Map(ids.map((id, i) => [id, i] as const));
      return groupInKeyOrder(ids.length, await repo.membershipsByCustomerIds(ids), (r) => index.get(r.customerId)!);
    }),
    memberPageBySegmentLoader: groupedLoader((ids: string[], page: Page) => repo.memberPages(ids, page), (id: string) => id),
    transitionPageBySegmentLoader: groupedLoader(
      (ids: string[], { range, page }: { range: TimeRange; page: Page }) => repo.transitionPages(ids, range, page),
      (id: string) => id,
    ),
    transitionCountBySegmentLoader: groupedLoader((ids: string[], range: TimeRange) => repo.transitionCounts(ids, range), (id: string) => id),
    historyPageByCustomerLoader: groupedLoader((ids: string[], page: Page) => repo.historyPages(ids, page), (id: string) => id),
    historyCountByCustomerLoader: new DataLoader<string, number>((ids) => repo.historyCounts(ids)),
  };
}

export type SegmentLoaders = ReturnType<typeof createSegmentLoaders>;
