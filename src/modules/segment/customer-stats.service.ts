import { badInput } from '../../common/errors';
import { FilterInput } from '../customer/filter/customer-filter.compiler';
import { CustomerStatsRepository, StatsDimension, StatsMetric, StatsRow } from './customer-stats.repository';

export const MAX_STATS_DIMENSIONS = 4;
export const MAX_STATS_ROWS = 10_000;
export const DEFAULT_STATS_ROWS = 1_000;

export interface StatsArgs {
  filter?: FilterInput | null;
  groupBy?: StatsDimension[] | null;
  metrics?: StatsMetric[] | null;
  now?: Date | null;
  limit?: number | null;
}

export interface StatsView {
  groupBy: StatsDimension[];
  rows: StatsRow[];
  /** More groups exist than limit. */
  truncated: boolean;
}

/** Analyst aggregates: computed by the database (GROUP BY), never by loading customers. */
export class CustomerStatsService {
  constructor(
    private readonly repo: CustomerStatsRepository,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  async stats(args: StatsArgs): Promise<StatsView> {
    const groupBy = args.groupBy ?? [];
    const metrics = args.metrics?.length ? args.metrics : (['COUNT'] as StatsMetric[]);
    if (groupBy.length > MAX_STATS_DIMENSIONS) throw badInput('groupBy', `group by at most ${MAX_STATS_DIMENSIONS} fields`);
    const dup = groupBy.find((d, i) => groupBy.indexOf(d) !== i);
    if (dup) throw badInput('groupBy', `${dup} is listed twice`);
    const limit = args.limit ?? DEFAULT_STATS_ROWS;
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_STATS_ROWS) throw badInput('limit', `limit must be between 1 and ${MAX_STATS_ROWS}`);
    const rows = await this.repo.stats({ filter: args.filter, groupBy, metrics: [...new Set(metrics)], now: args.now ?? this.clock(), limit });
    return { groupBy, rows: rows.slice(0, limit), truncated: rows.length > limit };
  }
}
