import { PRODUCT_TYPES } from '../core-banking/account.entity';
import { INTERACTION_CHANNELS, INTERACTION_KINDS, INTERACTION_OUTCOMES } from './interaction.entity';
import type { InteractionWrite } from './service-history.repository';

/**
 * The canonical interaction record (docs/service-history.md): one JSON object per NDJSON line, or one CSV row
 * with these names as the header. Absent, null and "" all mean "no value". Pure: no I/O.
 */
export const INTERACTION_RECORD_FIELDS = [
  'sourceSystem',
  'sourceKey',
  'customerId',
  'customerSystem',
  'customerKey',
  'occurredAt',
  'channel',
  'kind',
  'outcome',
  'branchId',
  'branchCode',
  'staffRef',
  'productType',
  'note',
] as const;

/** When a record names its customer by key without a system, the key is a core-banking customer number. */
export const DEFAULT_CUSTOMER_SYSTEM = 'core-banking';

/** Interactions dated further ahead than this are refused: they are typos or clock trouble, not history. */
export const MAX_FUTURE_MS = 5 * 60_000;

const LIMITS: Partial<Record<(typeof INTERACTION_RECORD_FIELDS)[number], number>> = {
  sourceSystem: 100,
  sourceKey: 200,
  customerSystem: 100,
  customerKey: 200,
  branchCode: 50,
  staffRef: 100,
  note: 2000,
};

const TIMESTAMP = /^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]{1,6})?)?(Z|[+-][0-9]{2}:[0-9]{2})$/;
const LOCAL_ID = /^[0-9]{1,19}$/;
const KNOWN = new Set<string>([...INTERACTION_RECORD_FIELDS, 'type']);

export interface RecordRejection {
  field: string;
  reason: string;
}

export type RecordCheck = { record: InteractionWrite } | RecordRejection;

function text(raw: Record<string, unknown>, field: string): string | null | RecordRejection {
  const value = raw[field];
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string' && typeof value !== 'number') return { field, reason: `${field} must be a string` };
  const s = String(value).trim();
  if (s === '') return null;
  const max = LIMITS[field as keyof typeof LIMITS];
  if (max && s.length > max) return { field, reason: `${field} is longer than ${max} characters` };
  return s;
}

/** Date.parse rolls 2024-02-30 over to 1 March; PostgreSQL refuses it and would fail the whole batch. */
function isCalendarDate(ymd: string): boolean {
  const [y, m, d] = ymd.split('-').map(Number);
  const date = new Date(Date.UTC(y, m - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d;
}

const rejected = (v: unknown): v is RecordRejection => typeof v === 'object' && v !== null && 'reason' in v;

/** Validates one raw record against the canonical format; `now` bounds occurredAt. */
export function checkInteractionRecord(raw: Record<string, unknown>, now: Date): RecordCheck {
  for (const key of Object.keys(raw)) {
    if (!KNOWN.has(key)) return { field: key, reason: `unknown field ${key}` };
  }
  if (raw.type != null && raw.type !== 'interaction') return { field: 'type', reason: `type must be "interaction"` };
  const values: Record<string, string | null> = {};
  for (const field of INTERACTION_RECORD_FIELDS) {
    const v = text(raw, field);
    if (rejected(v)) return v;
    values[field] = v;
  }
  const required = (field: string): RecordRejection | null => (values[field] === null ? { field, reason: `${field} is required` } : null);
  const missing = required('sourceSystem') ?? required('sourceKey') ?? required('occurredAt') ?? required('channel') ?? required('kind');
  if (missing) return missing;
  if (values.customerId === null && values.customerKey === null) return { field: 'customerKey', reason: 'customerKey (or customerId) is required' };
  if (values.customerId !== null && !LOCAL_ID.test(values.customerId)) return { field: 'customerId', reason: 'customerId must be a numeric customer id' };
  if (values.branchId !== null && !LOCAL_ID.test(values.branchId)) return { field: 'branchId', reason: 'branchId must be a numeric branch id' };

  const occurredAt = values.occurredAt!;
  const ms = Date.parse(occurredAt);
  if (!TIMESTAMP.test(occurredAt) || Number.isNaN(ms) || !isCalendarDate(occurredAt.slice(0, 10))) {
    return { field: 'occurredAt', reason: 'occurredAt must be an ISO 8601 timestamp with a time zone, e.g. 2024-03-01T09:30:00+08:00' };
  }
  if (ms > now.getTime() + MAX_FUTURE_MS) return { field: 'occurredAt', reason: 'occurredAt is in the future' };
  if (ms < Date.UTC(1900, 0, 1)) return { field: 'occurredAt', reason: 'occurredAt is before 1900' };

  const oneOf = (field: string, allowed: readonly string[], optional: boolean): RecordRejection | null => {
    const v = values[field];
    if (v === null) return optional ? null : { field, reason: `${field} is required` };
    return allowed.includes(v) ? null : { field, reason: `${field} must be one of ${allowed.join(', ')}; got "${v}"` };
  };
  const badEnum =
    oneOf('channel', INTERACTION_CHANNELS, false) ??
    oneOf('kind', INTERACTION_KINDS, false) ??
    oneOf('outcome', INTERACTION_OUTCOMES, true) ??
    oneOf('productType', PRODUCT_TYPES, true);
  if (badEnum) return badEnum;

  return {
    record: {
      sourceSystem: values.sourceSystem!,
      sourceKey: values.sourceKey!,
      customerId: values.customerId,
      customerSystem: values.customerId === null ? (values.customerSystem ?? DEFAULT_CUSTOMER_SYSTEM) : null,
      customerKey: values.customerId === null ? values.customerKey : null,
      occurredAt, // the text itself: PostgreSQL keeps microseconds a JS Date would drop
      channel: values.channel!,
      kind: values.kind!,
      outcome: values.outcome,
      branchId: values.branchId,
      branchCode: values.branchId === null ? values.branchCode : null,
      staffRef: values.staffRef,
      productType: values.productType,
      note: values.note,
    },
  };
}
