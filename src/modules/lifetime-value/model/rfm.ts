// Recency-frequency-monetary summaries in the convention of Fader, Hardie & Lee (2005), checked
// against the published CDNOW summaries: same-day purchases form one transaction (values summed),
// the first transaction is not counted in x, and time runs from each customer's first purchase.

export type RfmUnit = 'day' | 'week' | 'month';

export interface RfmEvent {
  customerKey: string;
  /** A Date (its UTC calendar day is used) or a 'YYYY-MM-DD' string. */
  at: Date | string;
  amount: number;
}

export interface RfmSummary {
  customerKey: string;
  /** Repeat transactions in the calibration period. */
  x: number;
  /** Time from the first purchase to the last repeat purchase (0 when x = 0). */
  tx: number;
  /** Time from the first purchase to the end of calibration. */
  T: number;
  /** Mean value of the repeat transactions in calibration (0 when x = 0). */
  zbar: number;
  /** First purchase day, YYYY-MM-DD. */
  firstPurchase: string;
  /** Transactions in (calibrationEnd, holdoutEnd]; present only when a holdout end was given. */
  holdoutX?: number;
  holdoutValue?: number;
}

export interface RfmTriple {
  x: number;
  tx: number;
  T: number;
  /** How many customers share this (x, tx, T); 1 when absent. */
  count?: number;
}

const MS_PER_DAY = 86_400_000;

export const DAYS_PER_MONTH = 365.25 / 12;

export function daysPerUnit(unit: RfmUnit): number {
  switch (unit) {
    case 'day':
      return 1;
    case 'week':
      return 7;
    case 'month':
      return DAYS_PER_MONTH;
  }
}

const ISO_DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Days since 1970-01-01 of a UTC calendar day. */
export function dayNumber(at: Date | string): number {
  if (typeof at === 'string') {
    const m = ISO_DAY.exec(at);
    if (!m) throw new RangeError(`expected a YYYY-MM-DD date, got "${at}"`);
    const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
    const ms = Date.UTC(year, month - 1, day);
    // Date.UTC rolls 1997-02-30 over into March; refuse it instead.
    if (new Date(ms).getUTCDate() !== day || month < 1 || month > 12) throw new RangeError(`no such date "${at}"`);
    return ms / MS_PER_DAY;
  }
  const ms = at.getTime();
  if (Number.isNaN(ms)) throw new RangeError('invalid Date');
  return Math.floor(ms / MS_PER_DAY);
}

export function isoDay(day: number): string {
  return new Date(day * MS_PER_DAY).toISOString().slice(0, 10);
}

export interface SummariseRfmOptions {
  /** Also count transactions in (calibrationEnd, holdoutEnd]. */
  holdoutEnd?: Date | string;
}

/**
 * Per-customer (x, t_x, T, zbar) at the end of the calibration day, in the given time unit.
 * Customers whose first purchase falls after calibrationEnd are left out: they were not customers yet.
 */
export function summariseRfm(
  events: readonly RfmEvent[],
  calibrationEnd: Date | string,
  unit: RfmUnit,
  options: SummariseRfmOptions = {},
): RfmSummary[] {
  const endDay = dayNumber(calibrationEnd);
  const holdoutEndDay = options.holdoutEnd === undefined ? undefined : dayNumber(options.holdoutEnd);
  if (holdoutEndDay !== undefined && holdoutEndDay < endDay) {
    throw new RangeError('holdoutEnd is before calibrationEnd');
  }
  const lastDay = holdoutEndDay ?? endDay;
  const perUnit = daysPerUnit(unit);

  // customer -> day -> summed value (Map keeps first-seen order for the output).
  const byCustomer = new Map<string, Map<number, number>>();
  for (const event of events) {
    if (!Number.isFinite(event.amount)) throw new RangeError(`non-finite amount for customer ${event.customerKey}`);
    const day = dayNumber(event.at);
    let days = byCustomer.get(event.customerKey);
    if (!days) {
      days = new Map();
      byCustomer.set(event.customerKey, days);
    }
    days.set(day, (days.get(day) ?? 0) + event.amount);
  }

  const summaries: RfmSummary[] = [];
  for (const [customerKey, days] of byCustomer) {
    const ordered = [...days.keys()].sort((p, q) => p - q);
    const first = ordered[0];
    if (first > endDay) continue;
    let x = 0;
    let lastRepeat = first;
    let repeatValue = 0;
    let holdoutX = 0;
    let holdoutValue = 0;
    for (let i = 1; i < ordered.length; i++) {
      const day = ordered[i];
      if (day <= endDay) {
        x += 1;
        lastRepeat = day;
        repeatValue += days.get(day)!;
      } else if (day <= lastDay) {
        holdoutX += 1;
        holdoutValue += days.get(day)!;
      }
    }
    const summary: RfmSummary = {
      customerKey,
      x,
      tx: (lastRepeat - first) / perUnit,
      T: (endDay - first) / perUnit,
      zbar: x > 0 ? repeatValue / x : 0,
      firstPurchase: isoDay(first),
    };
    if (holdoutEndDay !== undefined) {
      summary.holdoutX = holdoutX;
      summary.holdoutValue = holdoutValue;
    }
    summaries.push(summary);
  }
  return summaries;
}

/**
 * Groups customers with identical (x, t_x, T). With daily data the triples repeat a lot, so the
 * BG/NBD likelihood is evaluated once per triple instead of once per customer.
 */
export function compressRfm(rows: readonly RfmTriple[]): Required<RfmTriple>[] {
  const groups = new Map<string, Required<RfmTriple>>();
  for (const row of rows) {
    const key = `${row.x}|${row.tx}|${row.T}`;
    const group = groups.get(key);
    if (group) group.count += row.count ?? 1;
    else groups.set(key, { x: row.x, tx: row.tx, T: row.T, count: row.count ?? 1 });
  }
  return [...groups.values()];
}
