import { badInput } from '../../../common/errors';
import { CHANNELS, COUNTERPARTY_KINDS } from '../../core-banking/transaction.entity';
import { and, compare, compareCount, compareRatio, countShape, INT, MONEY, or } from './comparisons';
import {
  FilterContext,
  isPresent,
  MAX_WINDOW_DAYS,
  onlyKeys,
  readEnum,
  readInt,
  readList,
  readObject,
  readString,
  readWindowDays,
} from './filter-context';
import { FilterField } from './filter-field';

/**
 * Behaviour over a window: transactions, mobile sessions and partner purchases in (now - N days, now].
 * Events after `now` are ignored, so moving the clock back replays the past. Every subquery is keyed on
 * c.id and a time range, which the (customer_id, time) indexes answer.
 */
export const ACTIVITY_KINDS = ['TRANSACTION', 'MOBILE_SESSION', 'PARTNER_PURCHASE', 'ANY'] as const;
export type ActivityKindName = (typeof ACTIVITY_KINDS)[number];
type SourceKind = Exclude<ActivityKindName, 'ANY'>;
export const ACTIVITY_DIRECTIONS = ['IN', 'OUT'] as const;
export const SHARE_MEASURES = ['COUNT', 'AMOUNT'] as const;

interface EventSource {
  table: string;
  alias: string;
  time: string;
  /** Absolute money amount of one event; null where events carry none. */
  amount: string | null;
}

const SOURCES: Record<SourceKind, EventSource> = {
  TRANSACTION: { table: 'bank_transaction', alias: 'ft', time: 'ft.booked_at', amount: 'abs(ft.amount)' },
  MOBILE_SESSION: { table: 'mobile_session', alias: 'fs', time: 'fs.started_at', amount: null },
  PARTNER_PURCHASE: { table: 'partner_purchase', alias: 'fp', time: 'fp.purchased_at', amount: 'fp.amount' },
};

function sourcesOf(kind: ActivityKindName): SourceKind[] {
  return kind === 'ANY' ? ['TRANSACTION', 'MOBILE_SESSION', 'PARTNER_PURCHASE'] : [kind];
}

interface Window {
  from: string;
  to: string;
}

/** `FROM <table> <alias> WHERE <customer, window, extra filters>`. */
function scan(kind: SourceKind, window: Window, extra: (kind: SourceKind) => string[]): string {
  const s = SOURCES[kind];
  const conds = [`${s.alias}.customer_id = c.id`, `${s.time} > ${window.from}`, `${s.time} <= ${window.to}`, ...extra(kind)];
  return `FROM ${s.table} ${s.alias} WHERE ${conds.join(' AND ')}`;
}

/**
 * Events of several kinds as one relation `fe(at, amount)`; a single kind is read directly instead, so the
 * aggregate runs over the index scan without a UNION around it.
 */
function events(kinds: SourceKind[], window: Window, extra: (kind: SourceKind) => string[]): { from: string; at: string; amount: string } {
  if (kinds.length === 1) {
    const s = SOURCES[kinds[0]];
    return { from: scan(kinds[0], window, extra), at: s.time, amount: s.amount ?? 'NULL::numeric' };
  }
  const union = kinds
    .map((k) => `SELECT ${SOURCES[k].time} AS at, ${SOURCES[k].amount ?? 'NULL::numeric'} AS amount ${scan(k, window, extra)}`)
    .join(' UNION ALL ');
  return { from: `FROM (${union}) fe`, at: 'fe.at', amount: 'fe.amount' };
}

function exists(kinds: SourceKind[], window: Window, extra: (kind: SourceKind) => string[]): string {
  return or(kinds.map((k) => `EXISTS (SELECT 1 ${scan(k, window, extra)})`));
}

/** "None of any kind" as NOT EXISTS joined by AND (not NOT (a OR b)), which the planner can run as anti-joins. */
function notExists(kinds: SourceKind[], window: Window, extra: (kind: SourceKind) => string[]): string {
  return and(kinds.map((k) => `NOT EXISTS (SELECT 1 ${scan(k, window, extra)})`));
}

interface ActivitySpec {
  kind: ActivityKindName;
  withinDays: number;
  count: unknown;
  amount: unknown;
  periodDays: number | null;
  activePeriods: unknown;
  channels: string[] | null;
  counterpartyKinds: string[] | null;
  direction: 'IN' | 'OUT' | null;
  partners: string[] | null;
}

const ACTIVITY_KEYS = ['kind', 'withinDays', 'count', 'amount', 'channel', 'counterpartyKind', 'direction', 'partner', 'periodDays', 'activePeriods'];

function readActivity(value: unknown, at: string): ActivitySpec {
  const v = readObject(value, at);
  onlyKeys(v, ACTIVITY_KEYS, at, 'ActivityFilter');
  const kind = isPresent(v.kind) ? readEnum(v.kind, `${at}.kind`, ACTIVITY_KINDS) : 'ANY';
  const withinDays = readWindowDays(v.withinDays, `${at}.withinDays`);
  const only = (field: string, kinds: ActivityKindName[]) => {
    if (isPresent(v[field]) && !kinds.includes(kind)) {
      throw badInput(`${at}.${field}`, `${field} applies to kind ${kinds.join(' or ')}, not ${kind}`);
    }
  };
  only('channel', ['TRANSACTION']);
  only('counterpartyKind', ['TRANSACTION']);
  only('direction', ['TRANSACTION']);
  only('partner', ['PARTNER_PURCHASE']);
  only('amount', ['TRANSACTION', 'PARTNER_PURCHASE']);
  let periodDays: number | null = null;
  if (isPresent(v.periodDays) !== isPresent(v.activePeriods)) {
    const missing = isPresent(v.periodDays) ? 'activePeriods' : 'periodDays';
    throw badInput(`${at}.${missing}`, 'periodDays and activePeriods go together');
  }
  if (isPresent(v.periodDays)) {
    periodDays = readInt(v.periodDays, `${at}.periodDays`, 1, withinDays);
    if (withinDays % periodDays !== 0) throw badInput(`${at}.periodDays`, `withinDays (${withinDays}) must be a whole number of periods`);
  }
  return {
    kind,
    withinDays,
    count: v.count,
    amount: v.amount,
    periodDays,
    activePeriods: v.activePeriods,
    channels: isPresent(v.channel) ? readList(v.channel, `${at}.channel`, (x, w) => readEnum(x, w, CHANNELS)) : null,
    counterpartyKinds: isPresent(v.counterpartyKind) ? readList(v.counterpartyKind, `${at}.counterpartyKind`, (x, w) => readEnum(x, w, COUNTERPARTY_KINDS)) : null,
    direction: isPresent(v.direction) ? readEnum(v.direction, `${at}.direction`, ACTIVITY_DIRECTIONS) : null,
    partners: isPresent(v.partner) ? readList(v.partner, `${at}.partner`, (x, w) => readString(x, w, 100)) : null,
  };
}

function activityExtra(spec: ActivitySpec, ctx: FilterContext): (kind: SourceKind) => string[] {
  // Parameters are added once, whatever the number of subqueries that use them.
  const channels = spec.channels && ctx.params.add(spec.channels, 'text[]');
  const counterparties = spec.counterpartyKinds && ctx.params.add(spec.counterpartyKinds, 'text[]');
  const partners = spec.partners && ctx.params.add(spec.partners, 'text[]');
  return (kind) => {
    const conds: string[] = [];
    if (kind === 'TRANSACTION') {
      if (channels) conds.push(`ft.channel = ANY(${channels})`);
      if (counterparties) conds.push(`ft.counterparty_kind = ANY(${counterparties})`);
      if (spec.direction) conds.push(spec.direction === 'IN' ? 'ft.amount > 0' : 'ft.amount < 0');
    }
    if (kind === 'PARTNER_PURCHASE' && partners) {
      conds.push(`fp.partner_id = ANY(ARRAY(SELECT p.id FROM partner p WHERE p.code = ANY(${partners})))`);
    }
    return conds;
  };
}

function periodIndex(at: string, periodDays: number, ctx: FilterContext): string {
  return `floor(extract(epoch FROM (${ctx.nowSql} - ${at})) / ${ctx.params.add(periodDays * 86_400, 'int')})`;
}

const activity: FilterField = {
  condition(value, ctx, at) {
    const spec = readActivity(value, at);
    const kinds = sourcesOf(spec.kind);
    const window = { from: ctx.daysAgo(spec.withinDays), to: ctx.nowSql };
    const extra = activityExtra(spec, ctx);
    const aggregates = isPresent(spec.amount) || isPresent(spec.activePeriods);
    const shape = isPresent(spec.count) ? countShape(spec.count) : 'ANY';
    if (!aggregates && shape === 'ANY') return exists(kinds, window, extra);
    if (!aggregates && shape === 'NONE') return notExists(kinds, window, extra);
    const ev = events(kinds, window, extra);
    const having: string[] = [];
    if (isPresent(spec.count)) having.push(compareCount('count(*)', spec.count, ctx, `${at}.count`));
    if (isPresent(spec.amount)) having.push(compare(`COALESCE(sum(${ev.amount}), 0)`, spec.amount, MONEY, ctx, `${at}.amount`));
    if (spec.periodDays !== null) {
      having.push(compareCount(`count(DISTINCT ${periodIndex(ev.at, spec.periodDays, ctx)})`, spec.activePeriods, ctx, `${at}.activePeriods`));
    }
    // An aggregate without GROUP BY yields one row even over no events, so "count < 3" holds for none.
    return `EXISTS (SELECT 1 ${ev.from} HAVING ${having.join(' AND ')})`;
  },
  actual(value, ctx) {
    const spec = readActivity(value, 'actual');
    const ev = events(sourcesOf(spec.kind), { from: ctx.daysAgo(spec.withinDays), to: ctx.nowSql }, activityExtra(spec, ctx));
    const fields = [`'count', count(*)`];
    if (spec.kind === 'TRANSACTION' || spec.kind === 'PARTNER_PURCHASE') fields.push(`'amount', COALESCE(sum(${ev.amount}), 0)::text`);
    if (spec.periodDays !== null) fields.push(`'activePeriods', count(DISTINCT ${periodIndex(ev.at, spec.periodDays, ctx)})`);
    return `(SELECT jsonb_build_object(${fields.join(', ')}) ${ev.from})`;
  },
};

function lastActivitySql(ctx: FilterContext): string {
  const latest = (k: SourceKind) => {
    const s = SOURCES[k];
    return `(SELECT max(${s.time}) FROM ${s.table} ${s.alias} WHERE ${s.alias}.customer_id = c.id AND ${s.time} <= ${ctx.nowSql})`;
  };
  // GREATEST skips NULLs: NULL only when the customer never did anything.
  return `GREATEST(${latest('TRANSACTION')}, ${latest('MOBILE_SESSION')}, ${latest('PARTNER_PURCHASE')})`;
}

function daysSinceSql(ctx: FilterContext): string {
  return `floor(extract(epoch FROM (${ctx.nowSql} - ${lastActivitySql(ctx)})) / 86400)::int`;
}

/** Whole days since the latest event of any kind; null for a customer with no activity at all. */
const daysSinceLastActivity: FilterField = {
  condition: (value, ctx, at) => compare(daysSinceSql(ctx), value, { ...INT, name: 'IntComparison' }, ctx, at),
  actual: (_value, ctx) => `to_jsonb(${daysSinceSql(ctx)})`,
};

interface TrendSpec {
  kind: ActivityKindName;
  withinDays: number;
  ratio: unknown;
}

function readTrend(value: unknown, at: string): TrendSpec {
  const v = readObject(value, at);
  onlyKeys(v, ['kind', 'withinDays', 'ratio'], at, 'ActivityTrendFilter');
  const kind = isPresent(v.kind) ? readEnum(v.kind, `${at}.kind`, ACTIVITY_KINDS) : 'ANY';
  const withinDays = readWindowDays(v.withinDays, `${at}.withinDays`);
  // The previous window lies before the recent one, so both must fit in the longest window.
  if (withinDays * 2 > MAX_WINDOW_DAYS) throw badInput(`${at}.withinDays`, `must be between 1 and ${Math.floor(MAX_WINDOW_DAYS / 2)}`);
  if (!isPresent(v.ratio)) throw badInput(`${at}.ratio`, 'ratio is required');
  return { kind, withinDays, ratio: v.ratio };
}

/** The last N days against the N days before them: ratio = recent / previous event counts. */
function trendParts(spec: TrendSpec, ctx: FilterContext) {
  const boundary = ctx.daysAgo(spec.withinDays);
  const ev = events(sourcesOf(spec.kind), { from: ctx.daysAgo(spec.withinDays * 2), to: ctx.nowSql }, () => []);
  return {
    ev,
    recent: `count(*) FILTER (WHERE ${ev.at} > ${boundary})`,
    previous: `count(*) FILTER (WHERE ${ev.at} <= ${boundary})`,
  };
}

const activityTrend: FilterField = {
  condition(value, ctx, at) {
    const spec = readTrend(value, at);
    const { ev, recent, previous } = trendParts(spec, ctx);
    return `EXISTS (SELECT 1 ${ev.from} HAVING ${compareRatio(() => recent, previous, spec.ratio, ctx, `${at}.ratio`)})`;
  },
  actual(value, ctx) {
    const { ev, recent, previous } = trendParts(readTrend(value, 'actual'), ctx);
    return `(SELECT jsonb_build_object('recent', ${recent}, 'previous', ${previous},
              'ratio', CASE WHEN ${previous} > 0 THEN round(${recent}::numeric / ${previous}, 4) END) ${ev.from})`;
  },
};

interface ShareSpec {
  kinds: string[];
  withinDays: number;
  share: unknown;
  measure: (typeof SHARE_MEASURES)[number];
}

function readShare(value: unknown, at: string): ShareSpec {
  const v = readObject(value, at);
  onlyKeys(v, ['counterpartyKind', 'withinDays', 'share', 'measure'], at, 'OutgoingShareFilter');
  if (!isPresent(v.counterpartyKind)) throw badInput(`${at}.counterpartyKind`, 'counterpartyKind is required');
  if (!isPresent(v.share)) throw badInput(`${at}.share`, 'share is required');
  return {
    kinds: readList(v.counterpartyKind, `${at}.counterpartyKind`, (x, w) => readEnum(x, w, COUNTERPARTY_KINDS), { nonEmpty: true }),
    withinDays: readWindowDays(v.withinDays, `${at}.withinDays`),
    share: v.share,
    measure: isPresent(v.measure) ? readEnum(v.measure, `${at}.measure`, SHARE_MEASURES) : 'COUNT',
  };
}

/** Outgoing payments are debits (amount < 0); the share is of their number, or of their money with AMOUNT. */
function shareParts(spec: ShareSpec, ctx: FilterContext) {
  const from = scan('TRANSACTION', { from: ctx.daysAgo(spec.withinDays), to: ctx.nowSql }, () => ['ft.amount < 0']);
  const match = () => `ft.counterparty_kind = ANY(${ctx.params.add(spec.kinds, 'text[]')})`;
  return spec.measure === 'COUNT'
    ? { from, part: () => `count(*) FILTER (WHERE ${match()})`, total: 'count(*)' }
    : { from, part: () => `COALESCE(sum(-ft.amount) FILTER (WHERE ${match()}), 0)`, total: 'COALESCE(sum(-ft.amount), 0)' };
}

const outgoingShare: FilterField = {
  condition(value, ctx, at) {
    const spec = readShare(value, at);
    const { from, part, total } = shareParts(spec, ctx);
    return `EXISTS (SELECT 1 ${from} HAVING ${compareRatio(part, total, spec.share, ctx, `${at}.share`)})`;
  },
  actual(value, ctx) {
    const parts = shareParts(readShare(value, 'actual'), ctx);
    const part = parts.part();
    const { from, total } = parts;
    return `(SELECT jsonb_build_object('part', (${part})::text, 'total', (${total})::text,
              'share', CASE WHEN ${total} > 0 THEN round((${part})::numeric / ${total}, 4) END) ${from})`;
  },
};

export const BEHAVIOUR_FIELDS: Record<string, FilterField> = {
  activity,
  daysSinceLastActivity,
  activityTrend,
  outgoingShare,
};
