import {
  cardLastFour,
  IdentifierError,
  keyedHash,
  normaliseCardNumber,
  normaliseEmail,
  normaliseNationalId,
  normalisePhone,
} from '../modules/identity/normalise';
import { FIELD_SPECS, FieldSpec, RecordType, Rejection, ValidRecord } from './records';

export interface ValidationContext {
  allowedTypes: readonly RecordType[];
  hashKey: string;
  defaultCountry: string;
}

class FieldError extends Error {
  constructor(readonly field: string, message: string) {
    super(message);
  }
}

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;
const TIMESTAMP_RE = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,6}))?)?(Z|[+-]\d{2}:?\d{2})?)?$/;
/** The most digits a decimal field takes before and after the point: amounts are numeric(18,2), rates have 6 decimals. */
export function decimalDigits(field: string): { integer: number; fraction: number } {
  return field === 'interestRate' ? { integer: 3, fraction: 6 } : { integer: 16, fraction: 2 };
}
const decimalPattern = ({ integer, fraction }: { integer: number; fraction: number }) => new RegExp(`^[+-]?\\d{1,${integer}}(?:\\.\\d{1,${fraction}})?$`);
const DECIMAL_RE = decimalPattern(decimalDigits('amount'));
const RATE_RE = decimalPattern(decimalDigits('interestRate'));

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** A calendar date (Gregorian, years 1800-2200), checked without a Date object: it runs per record on bulk loads. */
export function realDate(y: number, m: number, d: number): boolean {
  if (y < 1800 || y > 2200 || m < 1 || m > 12 || d < 1) return false;
  const leap = y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0);
  return d <= (m === 2 && leap ? 29 : DAYS_IN_MONTH[m - 1]);
}

function asText(field: string, v: unknown): string {
  if (typeof v === 'string') return v.trim();
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  if (typeof v === 'boolean') return String(v);
  throw new FieldError(field, `expected a string, got ${Array.isArray(v) ? 'an array' : typeof v}`);
}

function parseField(field: string, spec: FieldSpec, v: unknown): string | number | string[] | Record<string, unknown> | null {
  switch (spec.kind) {
    case 'text':
      return asText(field, v);
    case 'date': {
      const s = asText(field, v);
      const m = DATE_RE.exec(s);
      if (!m || !realDate(+m[1], +m[2], +m[3])) throw new FieldError(field, `bad date "${s}": expected YYYY-MM-DD`);
      return s;
    }
    case 'timestamp': {
      const s = asText(field, v);
      const m = TIMESTAMP_RE.exec(s);
      if (!m || !realDate(+m[1], +m[2], +m[3]) || (m[4] !== undefined && (+m[4] > 23 || +m[5] > 59 || +(m[6] ?? 0) > 59))) {
        throw new FieldError(field, `bad timestamp "${s}": expected ISO 8601 (YYYY-MM-DD or YYYY-MM-DDTHH:MM:SS[Z|±HH:MM])`);
      }
      // Already canonical UTC: no Date round trip (the hot path of bulk loads).
      if (m[8] === 'Z' && m[4] !== undefined && (m[7] === undefined || m[7].length === 3)) {
        return `${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6] ?? '00'}.${m[7] ?? '000'}Z`;
      }
      // No offset means UTC (documented), so the same file loads identically on any server time zone.
      const iso = m[4] === undefined ? `${m[1]}-${m[2]}-${m[3]}T00:00:00Z` : m[8] === undefined ? `${s.replace(' ', 'T')}Z` : s.replace(' ', 'T');
      const t = new Date(iso);
      if (Number.isNaN(t.getTime())) throw new FieldError(field, `bad timestamp "${s}"`);
      return t.toISOString();
    }
    case 'decimal': {
      const s = asText(field, v);
      const re = field === 'interestRate' ? RATE_RE : DECIMAL_RE;
      if (!re.test(s)) throw new FieldError(field, `bad amount "${s}": expected a decimal with at most ${decimalDigits(field).fraction} decimals`);
      return s.startsWith('+') ? s.slice(1) : s;
    }
    case 'int': {
      const s = asText(field, v);
      if (!/^[+-]?\d{1,9}$/.test(s)) throw new FieldError(field, `bad integer "${s}"`);
      const n = Number(s);
      if (spec.min !== undefined && n < spec.min) throw new FieldError(field, `${field} must be at least ${spec.min}, got ${n}`);
      return n;
    }
    case 'enum': {
      const s = asText(field, v).toUpperCase();
      if (!spec.values!.includes(s)) throw new FieldError(field, `unknown ${field} "${asText(field, v)}": expected one of ${spec.values!.join(', ')}`);
      return s;
    }
    case 'currency': {
      const s = asText(field, v).toUpperCase();
      if (!/^[A-Z]{3}$/.test(s)) throw new FieldError(field, `bad currency "${s}": expected an ISO 4217 code`);
      return s;
    }
    case 'mcc': {
      const s = asText(field, v);
      if (!/^\d{4}$/.test(s)) throw new FieldError(field, `bad merchant category code "${s}": expected 4 digits`);
      return s;
    }
    case 'lastFour': {
      const s = asText(field, v);
      if (!/^\d{4}$/.test(s)) throw new FieldError(field, `bad lastFour "${s}": expected 4 digits`);
      return s;
    }
    case 'list': {
      // CSV cells carry lists as "a|b|c".
      const items = Array.isArray(v) ? v.map((x) => asText(field, x)) : asText(field, v).split('|');
      return items.map((x) => x.trim()).filter((x) => x !== '');
    }
    case 'codes': {
      let obj = v;
      if (typeof v === 'string') {
        try {
          obj = JSON.parse(v);
        } catch {
          throw new FieldError(field, 'sourceCodes must be a JSON object');
        }
      }
      if (typeof obj !== 'object' || obj === null || Array.isArray(obj)) throw new FieldError(field, 'sourceCodes must be a JSON object');
      return obj as Record<string, unknown>;
    }
  }
}

function isAbsent(v: unknown): boolean {
  return v === undefined || v === null || (typeof v === 'string' && v.trim() === '');
}

/** Each type's fields as [name, spec] pairs, made once: validation runs per record on bulk loads. */
const FIELD_LISTS = Object.fromEntries(Object.entries(FIELD_SPECS).map(([type, specs]) => [type, Object.entries(specs)])) as Record<
  RecordType,
  [string, FieldSpec][]
>;

/** Raw record -> canonical record, or the first problem found (field and reason). Pure. */
export function validateRecord(raw: Record<string, unknown>, file: string, line: number, ctx: ValidationContext): ValidRecord | Rejection {
  const rawType = raw.type;
  const key = typeof raw.key === 'string' || typeof raw.key === 'number' ? String(raw.key).trim() : undefined;
  const reject = (field: string | undefined, reason: string, type?: string): Rejection => ({ file, line, type, key: key || undefined, field, reason });
  if (isAbsent(rawType)) return reject('type', 'missing field type');
  const type = String(rawType).trim().toLowerCase() as RecordType;
  if (!FIELD_SPECS[type]) return reject('type', `unknown record type "${String(rawType)}"`);
  if (!ctx.allowedTypes.includes(type)) return reject('type', `record type ${type} is not accepted from this source (accepted: ${ctx.allowedTypes.join(', ')})`, type);
  const specs = FIELD_SPECS[type];
  const values: ValidRecord['values'] = {};
  try {
    for (const [field, spec] of FIELD_LISTS[type]) {
      const v = raw[field];
      if (isAbsent(v)) {
        if (spec.required) throw new FieldError(field, `missing field ${field}`);
        values[field] = null;
        continue;
      }
      values[field] = parseField(field, spec, v);
    }
    for (const field in raw) {
      if (field !== 'type' && !(field in specs) && !isAbsent(raw[field])) throw new FieldError(field, `unknown field ${field} for record type ${type}`);
    }
    if (type === 'enrolment' && values.activatedAt && (values.activatedAt as string) < (values.enrolledAt as string)) {
      throw new FieldError('activatedAt', 'activatedAt is before enrolledAt');
    }
    if (type === 'account' && values.closedAt && (values.closedAt as string) < (values.openedAt as string)) {
      throw new FieldError('closedAt', 'closedAt is before openedAt');
    }
    // What a standing order sends each time: its direction is always out of the account, so no sign.
    if (type === 'standing_order' && ((values.amount as string).startsWith('-') || !/[1-9]/.test(values.amount as string))) {
      throw new FieldError('amount', `amount must be above zero, got ${values.amount as string}`);
    }
    const record: ValidRecord = { type, key: values.key as string, values, file, line };
    if (type === 'customer') record.identifiers = customerIdentifiers(values, ctx);
    if (type === 'card') cardIdentifiers(record, ctx);
    return record;
  } catch (error) {
    if (error instanceof FieldError || error instanceof IdentifierError) return reject(error.field, error.message, type);
    throw error;
  }
}

function customerIdentifiers(values: ValidRecord['values'], ctx: ValidationContext): ValidRecord['identifiers'] {
  const ids: NonNullable<ValidRecord['identifiers']> = {};
  if (values.phone) values.phone = ids.phone = normalisePhone(values.phone as string, ctx.defaultCountry);
  if (values.email) values.email = ids.email = normaliseEmail(values.email as string);
  if (values.nationalId) {
    ids.nationalIdHash = keyedHash(ctx.hashKey, 'NATIONAL_ID', normaliseNationalId(values.nationalId as string));
    // The clear national ID goes no further than this function.
    values.nationalId = null;
  }
  if (values.birthDate) ids.birthDate = values.birthDate as string;
  return ids;
}

function cardIdentifiers(record: ValidRecord, ctx: ValidationContext): void {
  const v = record.values;
  if (!v.cardNumber) return;
  const digits = normaliseCardNumber(v.cardNumber as string);
  if (v.lastFour && v.lastFour !== cardLastFour(digits)) throw new FieldError('lastFour', 'lastFour does not match the card number');
  v.lastFour = cardLastFour(digits);
  record.identifiers = { cardHash: keyedHash(ctx.hashKey, 'CARD', digits) };
  // Only the keyed hash and the last four digits survive.
  v.cardNumber = null;
}
