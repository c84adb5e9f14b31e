import { badInput } from '../../common/errors';
import { INTERACTION_KINDS } from './interaction.entity';

/**
 * The customer timeline's event kinds: every interaction kind, then the significant events read from other
 * modules' tables. Adding a source means: a kind here, a TimelineSource in service-history.repository.ts,
 * a typename and fields in service-history.service.ts and a GraphQL type in dto/timeline.type.ts.
 */
export const SYSTEM_EVENT_KINDS = [
  'ACCOUNT_OPENED',
  'ACCOUNT_CLOSED',
  'LOAN_GRANTED',
  'MOBILE_ENROLLED',
  'MOBILE_ACTIVATED',
  'FIRST_PARTNER_PURCHASE',
  'SEGMENT_ENTERED',
  'SEGMENT_EXITED',
] as const;
export type SystemEventKind = (typeof SYSTEM_EVENT_KINDS)[number];

export const TIMELINE_EVENT_KINDS = [...INTERACTION_KINDS, ...SYSTEM_EVENT_KINDS] as const;
export type TimelineEventKind = (typeof TIMELINE_EVENT_KINDS)[number];

const KINDS = new Set<string>(TIMELINE_EVENT_KINDS);

/** The timeline's sort key: (occurred_at, kind, source id), compared with kind in byte order (COLLATE "C"). */
export interface TimelineKey {
  /** UTC, microseconds: "2024-03-01T09:30:00.123456Z" (timestamptz keeps microseconds; a JS Date would lose them). */
  occurredAt: string;
  kind: TimelineEventKind;
  sourceId: string;
}

const OCCURRED_AT = /^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{6}Z$/;

/** The cursor's sort value (the id travels beside it, as for every other connection). */
export function timelineSortValue(occurredAt: string, kind: string): string {
  return `${occurredAt}|${kind}`;
}

export function parseTimelineSortValue(sortValue: string | null, sourceId: string, field: string): TimelineKey {
  const [occurredAt, kind, extra] = (sortValue ?? '').split('|');
  if (extra !== undefined || !OCCURRED_AT.test(occurredAt ?? '') || !KINDS.has(kind ?? '')) {
    throw badInput(field, 'not a serviceHistory cursor');
  }
  return { occurredAt, kind: kind as TimelineEventKind, sourceId };
}

const lower = (value: string) => value.toLowerCase().replace(/_/g, ' ');
const sentence = (value: string) => {
  const text = lower(value);
  return text.charAt(0).toUpperCase() + text.slice(1);
};
const article = (word: string) => (/^[aeiou]/i.test(word) ? 'an' : 'a');

/** A one-line description of an event for staff screens; the typed fields carry the data. */
export function timelineSummary(kind: TimelineEventKind, channel: string | null, detail: Record<string, unknown>): string {
  switch (kind) {
    case 'ACCOUNT_OPENED':
    case 'ACCOUNT_CLOSED': {
      const product = lower(String(detail.productType));
      return `${kind === 'ACCOUNT_OPENED' ? 'Opened' : 'Closed'} ${article(product)} ${product} account`;
    }
    case 'LOAN_GRANTED':
      return `Loan of ${detail.principal} granted over ${detail.termMonths} months`;
    case 'MOBILE_ENROLLED':
      return 'Enrolled in mobile banking';
    case 'MOBILE_ACTIVATED':
      return 'Activated mobile banking';
    case 'FIRST_PARTNER_PURCHASE':
      return `First purchase with ${detail.partnerName} (${detail.amount} ${detail.currency})`;
    case 'SEGMENT_ENTERED':
      return `Entered the segment "${detail.segmentName}"`;
    case 'SEGMENT_EXITED':
      return `Left the segment "${detail.segmentName}"`;
    default: {
      const outcome = detail.outcome ? ` (${lower(String(detail.outcome))})` : '';
      return `${sentence(kind)} via ${lower(channel ?? 'unknown channel')}${outcome}`;
    }
  }
}

/**
 * timelineSummary in SQL, for the compiled read path (graphql/compiled/read-model.ts), over a row's kind,
 * channel and jsonb detail. The compiled-reads equivalence test holds the two to the same text.
 */
export function timelineSummarySql(kind: string, channel: string, detail: string): string {
  const lowerSql = (e: string) => `lower(replace(${e}, '_', ' '))`;
  const product = lowerSql(`${detail}->>'productType'`);
  const article = `CASE WHEN ${product} ~* '^[aeiou]' THEN 'an' ELSE 'a' END`;
  const sentenceOfKind = `upper(left(${lowerSql(kind)}, 1)) || substr(${lowerSql(kind)}, 2)`;
  return `CASE ${kind}
    WHEN 'ACCOUNT_OPENED' THEN 'Opened ' || ${article} || ' ' || ${product} || ' account'
    WHEN 'ACCOUNT_CLOSED' THEN 'Closed ' || ${article} || ' ' || ${product} || ' account'
    WHEN 'LOAN_GRANTED' THEN 'Loan of ' || (${detail}->>'principal') || ' granted over ' || (${detail}->>'termMonths') || ' months'
    WHEN 'MOBILE_ENROLLED' THEN 'Enrolled in mobile banking'
    WHEN 'MOBILE_ACTIVATED' THEN 'Activated mobile banking'
    WHEN 'FIRST_PARTNER_PURCHASE' THEN 'First purchase with ' || (${detail}->>'partnerName') || ' (' || (${detail}->>'amount') || ' ' || (${detail}->>'currency') || ')'
    WHEN 'SEGMENT_ENTERED' THEN 'Entered the segment "' || (${detail}->>'segmentName') || '"'
    WHEN 'SEGMENT_EXITED' THEN 'Left the segment "' || (${detail}->>'segmentName') || '"'
    ELSE ${sentenceOfKind} || ' via ' || ${lowerSql(`coalesce(${channel}, 'unknown channel')`)}
         || coalesce(' (' || ${lowerSql(`nullif(${detail}->>'outcome', '')`)} || ')', '') END`;
}
