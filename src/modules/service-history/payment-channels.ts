import { compareDecimal, subtractDecimal } from './decimal';

/**
 * Where a customer's outgoing payments go, and whether that is shifting. Pure: trends and labels only; the
 * amounts and shares come from SQL as exact decimals (shares with 4 places).
 */
export const PAYMENT_COUNTERPARTY_KINDS = ['OWN_BANK', 'OTHER_BANK', 'THIRD_PARTY_PLATFORM', 'MERCHANT'] as const;
export const PAYMENT_TRENDS = ['NEW', 'GONE', 'UP', 'DOWN', 'FLAT'] as const;
export type PaymentTrend = (typeof PAYMENT_TRENDS)[number];

/** A share moving by more than this (one percentage point) is a trend; less is noise. */
export const TREND_THRESHOLD = '0.0100';

export const MAX_WINDOW_DAYS = 730;

export function shareChange(previousShare: string, share: string): string {
  return subtractDecimal(share, previousShare, 4);
}

export function paymentTrend(previousAmount: string, amount: string, previousShare: string, share: string): PaymentTrend {
  const had = compareDecimal(previousAmount, '0') > 0;
  const has = compareDecimal(amount, '0') > 0;
  if (!had && has) return 'NEW';
  if (had && !has) return 'GONE';
  const change = shareChange(previousShare, share);
  if (compareDecimal(change, TREND_THRESHOLD) > 0) return 'UP';
  if (compareDecimal(change, `-${TREND_THRESHOLD}`) < 0) return 'DOWN';
  return 'FLAT';
}

const KIND_LABELS: Record<string, string> = {
  OWN_BANK: 'Own bank',
  OTHER_BANK: 'Other banks',
  MERCHANT: 'Merchants (card and direct)',
};

export function paymentChannelLabel(kind: string, platform: string | null): string {
  if (kind === 'THIRD_PARTY_PLATFORM') return platform || 'Unnamed payment platform';
  return KIND_LABELS[kind] ?? kind;
}
