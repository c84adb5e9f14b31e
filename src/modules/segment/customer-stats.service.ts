import { badInput, DomainException, ErrorCode } from '../../common/errors';
import { AccessPolicy } from '../access/access-policy';
import { FilterInput } from '../customer/filter/customer-filter.compiler';
import { CustomerStatsRepository, StatsDimension, StatsMetric, StatsRow } from './customer-stats.repository';

export const MAX_STATS_DIMENSIONS = 4;
export const MAX_STATS_ROWS = 10_000;
export const DEFAULT_STATS_ROWS = 1_000;

/** Partners see aggregates over consenting customers only, with groups under this size suppressed. */
export const PARTNER_MIN_GROUP_SIZE = 10;
/** Bank-internal dimensions (branch, mobile status) stay out of partners' reach. */
const PARTNER_DIMENSIONS = new Set<StatsDimension>(['GENDER', 'INCOME_BAND', 'OCCUPATION', 'CITY', 'REGION', 'AGE_BAND', 'CUSTOMER_SINCE_YEAR', 'SEGMENT']);

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
    private readonly access: AccessPolicy | null = null,
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
    const partnerId = this.access?.partnerRestriction ?? null;
    if (partnerId) {
      this.access!.checkPartnerFilter(args.filter);
      const refused = groupBy.find((d) => !PARTNER_DIMENSIONS.has(d));
      if (refused) throw new DomainException(`Not permitted: partners cannot group by ${refused}`, ErrorCode.FORBIDDEN, { field: 'groupBy' });
    }
    // Profile dimensions need PROFILE consent; balance figures need ACCOUNT_SUMMARY as well.
    const scopes = [
      'PROFILE',
      ...(metrics.some((m) => m !== 'COUNT' && m !== 'AVG_AGE') ? ['ACCOUNT_SUMMARY'] : []),
      ...(groupBy.some((d) => d === 'SEGMENT') ? ['SEGMENTS'] : []),
    ];
    const partner = partnerId ? { partnerId, scopes, minGroupSize: PARTNER_MIN_GROUP_SIZE } : null;
    const rows = await this.repo.stats({ filter: args.filter, groupBy, metrics: [...new Set(metrics)], now: args.now ?? this.clock(), limit, partner });
    return { groupBy, rows: rows.slice(0, limit), truncated: rows.length > limit };
  }
}
