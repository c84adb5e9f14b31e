import { overContactedSql } from '../../service-history/contact-filter.sql';
import { configuredContactPolicy } from '../../service-history/service-history.config';
import { INTERACTION_CHANNELS, INTERACTION_KINDS } from '../../service-history/interaction.entity';
import { compare, compareCount, countShape, INT } from './comparisons';
import { FilterContext, isPresent, onlyKeys, readBoolean, readEnum, readList, readObject, readWindowDays } from './filter-context';
import { FilterField } from './filter-field';

/**
 * Service history: interactions between the bank and the customer, with the module's own definitions
 * (service-history/contact-filter.sql.ts): a contact is an interaction at or before now, and a window of N
 * days is (now - N days, now].
 */
interface ContactSpec {
  kinds: string[] | null;
  channels: string[] | null;
  withinDays: number;
  count: unknown;
}

function readContact(value: unknown, at: string): ContactSpec {
  const v = readObject(value, at);
  onlyKeys(v, ['kind', 'channel', 'withinDays', 'count'], at, 'ContactFilter');
  return {
    kinds: isPresent(v.kind) ? readList(v.kind, `${at}.kind`, (x, w) => readEnum(x, w, INTERACTION_KINDS)) : null,
    channels: isPresent(v.channel) ? readList(v.channel, `${at}.channel`, (x, w) => readEnum(x, w, INTERACTION_CHANNELS)) : null,
    withinDays: readWindowDays(v.withinDays, `${at}.withinDays`),
    count: v.count,
  };
}

function contactScan(spec: ContactSpec, ctx: FilterContext): string {
  const conds = ['ci.customer_id = c.id', `ci.occurred_at > ${ctx.daysAgo(spec.withinDays)}`, `ci.occurred_at <= ${ctx.nowSql}`];
  if (spec.kinds) conds.push(`ci.kind = ANY(${ctx.params.add(spec.kinds, 'text[]')})`);
  if (spec.channels) conds.push(`ci.channel = ANY(${ctx.params.add(spec.channels, 'text[]')})`);
  return `FROM interaction ci WHERE ${conds.join(' AND ')}`;
}

/** Interactions in the window, optionally of some kinds / channels; without count: at least one. */
const contact: FilterField = {
  condition(value, ctx, at) {
    const spec = readContact(value, at);
    const shape = isPresent(spec.count) ? countShape(spec.count) : 'ANY';
    if (shape === 'ANY') return `EXISTS (SELECT 1 ${contactScan(spec, ctx)})`;
    if (shape === 'NONE') return `NOT EXISTS (SELECT 1 ${contactScan(spec, ctx)})`;
    return `EXISTS (SELECT 1 ${contactScan(spec, ctx)} HAVING ${compareCount('count(*)', spec.count, ctx, `${at}.count`)})`;
  },
  actual: (value, ctx) => `(SELECT jsonb_build_object('count', count(*)) ${contactScan(readContact(value, 'actual'), ctx)})`,
};

function daysSinceContactSql(ctx: FilterContext): string {
  return `floor(extract(epoch FROM (${ctx.nowSql} - (SELECT max(ci.occurred_at) FROM interaction ci
            WHERE ci.customer_id = c.id AND ci.occurred_at <= ${ctx.nowSql}))) / 86400)::int`;
}

/** Whole days since the latest interaction; null for a customer the bank never was in contact with. */
const daysSinceLastContact: FilterField = {
  condition: (value, ctx, at) => compare(daysSinceContactSql(ctx), value, INT, ctx, at),
  actual: (_value, ctx) => `to_jsonb(${daysSinceContactSql(ctx)})`,
};

/** More marketing contacts in the contact policy's window than it allows (the policy of FATTAIL_CONTACT_*). */
function overContactedCondition(ctx: FilterContext): string {
  return overContactedSql('c.id', configuredContactPolicy(), ctx.params, { nowSql: ctx.nowSql });
}

const overContacted: FilterField = {
  condition: (value, ctx, at) => (readBoolean(value, at) ? overContactedCondition(ctx) : `NOT ${overContactedCondition(ctx)}`),
  actual: (_value, ctx) => `to_jsonb(${overContactedCondition(ctx)})`,
};

export const SERVICE_HISTORY_FIELDS: Record<string, FilterField> = {
  contact,
  daysSinceLastContact,
  overContacted,
};
