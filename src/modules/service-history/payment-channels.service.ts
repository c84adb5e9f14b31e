import { badInput } from '../../common/errors';
import { groupedLoader } from '../../common/grouped-loader';
import { DAY_MS } from './contact-policy';
import { ChannelRow, ChannelWindow, PaymentChannelsRepository, PaymentGrouping } from './payment-channels.repository';
import { MAX_WINDOW_DAYS, paymentChannelLabel, PaymentTrend, paymentTrend, shareChange } from './payment-channels';

export const DEFAULT_WINDOW_DAYS = 90;

export interface PaymentChannelShareView {
  counterpartyKind: string;
  platform: string | null;
  label: string;
  amount: string;
  transactions: number;
  share: string;
  previousAmount: string;
  previousTransactions: number;
  previousShare: string;
  shareChange: string;
  trend: PaymentTrend;
}

export interface PaymentChannelsView {
  withinDays: number;
  from: Date;
  to: Date;
  previousFrom: Date;
  totalOutgoing: string;
  previousTotalOutgoing: string;
  thirdPartyShare: string;
  previousThirdPartyShare: string;
  thirdPartyTrend: PaymentTrend;
  channels: PaymentChannelShareView[];
}

export interface PaymentChannelGroupView {
  groupBy: PaymentGrouping;
  key: string | null;
  customers: number;
  platformCustomers: number;
  channels: PaymentChannelsView;
}

export interface PaymentChannelsQuery {
  withinDays?: number | null;
  asOf?: Date | null;
}

/** Builds one view from the rows of one customer or group (all rows carry the partition's totals). */
export function toPaymentChannelsView(rows: readonly ChannelRow[], window: ChannelWindow): PaymentChannelsView {
  const to = new Date(window.asOf);
  const first = rows[0];
  const total = first?.total ?? '0.00';
  const previousTotal = first?.previousTotal ?? '0.00';
  const thirdPartyShare = first?.platformShare ?? '0.0000';
  const previousThirdPartyShare = first?.previousPlatformShare ?? '0.0000';
  return {
    withinDays: window.days,
    from: new Date(to.getTime() - window.days * DAY_MS),
    to,
    previousFrom: new Date(to.getTime() - 2 * window.days * DAY_MS),
    totalOutgoing: total,
    previousTotalOutgoing: previousTotal,
    thirdPartyShare,
    previousThirdPartyShare,
    // The platforms taken together: a platform total of zero in both windows is FLAT, not NEW or GONE.
    thirdPartyTrend: paymentTrend(previousThirdPartyShare, thirdPartyShare, previousThirdPartyShare, thirdPartyShare),
    channels: rows.map((r) => ({
      counterpartyKind: r.kind,
      platform: r.platform,
      label: paymentChannelLabel(r.kind, r.platform),
      amount: r.amount,
      transactions: r.transactions,
      share: r.share,
      previousAmount: r.previousAmount,
      previousTransactions: r.previousTransactions,
      previousShare: r.previousShare,
      shareChange: shareChange(r.previousShare, r.share),
      trend: paymentTrend(r.previousAmount, r.amount, r.previousShare, r.share),
    })),
  };
}

export function createPaymentChannelLoaders(repo: PaymentChannelsRepository) {
  return {
    channelsByCustomerLoader: groupedLoader(
      async (ids: string[], window: ChannelWindow) => {
        const rows = await repo.channelsOfCustomers(ids, window);
        const lists: ChannelRow[][] = ids.map(() => []);
        for (const row of rows) lists[row.i - 1].push(row);
        return lists;
      },
      (id: string) => id,
    ),
  };
}

/** Payment leakage: how much of a customer's (or a group's) outgoing money goes to other banks and payment platforms. */
export class PaymentChannelsService {
  private readonly now: Date;

  constructor(
    private readonly repo: PaymentChannelsRepository,
    private readonly loaders: ReturnType<typeof createPaymentChannelLoaders>,
    clock: () => Date = () => new Date(),
  ) {
    this.now = clock();
  }

  private window(query: PaymentChannelsQuery): ChannelWindow {
    const days = query.withinDays ?? DEFAULT_WINDOW_DAYS;
    if (!Number.isInteger(days) || days < 1 || days > MAX_WINDOW_DAYS) throw badInput('withinDays', `withinDays must be between 1 and ${MAX_WINDOW_DAYS}`);
    const asOf = query.asOf ?? this.now;
    if (asOf.getTime() > this.now.getTime() + DAY_MS) throw badInput('asOf', 'asOf must not be in the future');
    return { asOf: asOf.toISOString(), days };
  }

  async channelsOf(customerLocalId: string, query: PaymentChannelsQuery): Promise<PaymentChannelsView> {
    const window = this.window(query);
    const rows = await this.loaders.channelsByCustomerLoader.load({ parent: customerLocalId, args: window });
    return toPaymentChannelsView(rows, window);
  }

  async statsBy(grouping: PaymentGrouping, query: PaymentChannelsQuery): Promise<PaymentChannelGroupView[]> {
    const window = this.window(query);
    const rows = await this.repo.channelsByGroup(grouping, window);
    const groups: PaymentChannelGroupView[] = [];
    let start = 0;
    // Rows arrive grouped by key (ORDER BY), so each run of equal keys is one group.
    for (let i = 1; i <= rows.length; i++) {
      if (i < rows.length && rows[i].key === rows[start].key) continue;
      const run = rows.slice(start, i);
      groups.push({ groupBy: grouping, key: run[0].key, customers: run[0].customers, platformCustomers: run[0].platformCustomers, channels: toPaymentChannelsView(run, window) });
      start = i;
    }
    return groups;
  }
}
