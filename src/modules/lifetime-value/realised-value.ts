import { badInput } from '../../common/errors';
import { SqlParams } from '../../database/sql';
import { PRODUCT_TYPES } from '../core-banking/account.entity';
import { LifetimeValueConfig } from './lifetime-value.config';

/**
 * Realised value: what a customer brought the bank over a period, in four explainable parts.
 *  - Net interest margin: the account's balance times the annual spread of its product type, for the days
 *    the account was open within the period (up to now). Balances are not kept over time, so the current
 *    balance stands for the whole period; deposits (current, savings, time deposits, funds) and lending
 *    (loans, credit cards, whose balances are negative) are reported apart, both on the absolute balance.
 *    Interest credited to the customer is not subtracted: the spread is already net of it.
 *  - Fees: BANK_FEE transactions (debits count positive, refunds negative).
 *  - Card interchange: a rate on card spend = merchant debits made at a POS terminal or from a credit-card account.
 *  - Partner commission: a rate per partner (or the default) on the customer's purchases with partners.
 * Amounts are summed in their own currency (no FX). Every component is rounded to cents in SQL and the
 * total is the sum of the rounded components, so the parts always add up to it.
 */
export const REALISED_KINDS = ['DEPOSIT_MARGIN', 'LENDING_MARGIN', 'FEES', 'CARD_INTERCHANGE', 'PARTNER_COMMISSION'] as const;
export type RealisedKind = (typeof REALISED_KINDS)[number];

export const LENDING_PRODUCTS = ['LOAN', 'CREDIT_CARD'] as const;

export const MAX_REALISED_DAYS = 36_600;
const DAY_MS = 86_400_000;

export interface RealisedPeriod {
  from: Date;
  /** Exclusive. */
  to: Date;
}

/** Defaults: `to` = now, `from` = a year before `to`. */
export function resolveRealisedPeriod(from: Date | null | undefined, to: Date | null | undefined, now: Date): RealisedPeriod {
  const end = to ?? now;
  const start = from ?? new Date(end.getTime() - 365 * DAY_MS);
  if (Number.isNaN(start.getTime())) throw badInput('from', 'from must be a valid instant');
  if (Number.isNaN(end.getTime())) throw badInput('to', 'to must be a valid instant');
  if (start >= end) throw badInput(to ? 'to' : 'from', 'the period must end after it starts (from < to)');
  if (end.getTime() - start.getTime() > MAX_REALISED_DAYS * DAY_MS) throw badInput('from', `a period spans at most ${MAX_REALISED_DAYS} days`);
  return { from: start, to: end };
}

export interface RealisedValueRow {
  total: string;
  depositMargin: string;
  depositBalance: string;
  lendingMargin: string;
  lendingBalance: string;
  fees: string;
  cardInterchange: string;
  cardSpend: string;
  partnerCommission: string;
  partnerPurchases: string;
}

export interface RealisedComponent {
  kind: RealisedKind;
  amount: string;
  /** What the rate applied to: average balance, card spend, partner purchases; the fees themselves. */
  basis: string;
}

export interface RealisedValue {
  from: Date;
  to: Date;
  total: string;
  components: RealisedComponent[];
}

export const ZERO_REALISED: RealisedValueRow = {
  total: '0.00',
  depositMargin: '0.00',
  depositBalance: '0.00',
  lendingMargin: '0.00',
  lendingBalance: '0.00',
  fees: '0.00',
  cardInterchange: '0.00',
  cardSpend: '0.00',
  partnerCommission: '0.00',
  partnerPurchases: '0.00',
};

export function toRealisedValue(period: RealisedPeriod, row: RealisedValueRow): RealisedValue {
  return {
    from: period.from,
    to: period.to,
    total: row.total,
    components: [
      { kind: 'DEPOSIT_MARGIN', amount: row.depositMargin, basis: row.depositBalance },
      { kind: 'LENDING_MARGIN', amount: row.lendingMargin, basis: row.lendingBalance },
      { kind: 'FEES', amount: row.fees, basis: row.fees },
      { kind: 'CARD_INTERCHANGE', amount: row.cardInterchange, basis: row.cardSpend },
      { kind: 'PARTNER_COMMISSION', amount: row.partnerCommission, basis: row.partnerPurchases },
    ],
  };
}

export interface RealisedSql {
  /** LATERAL joins to append after a FROM that has the customer in scope. */
  joins: string;
  /** Select-list items aliased as the RealisedValueRow fields, all as text. */
  columns: string;
  /** The total as a numeric expression (for comparisons). */
  total: string;
}

/**
 * The realised-value computation for the customer `customerRef` (a trusted SQL expression such as
 * "k.customer_id" or "c.id"), as correlated LATERAL subqueries keyed on customer_id, so it runs for one
 * customer or a page of them and every scan is an index range on the customer's rows. Values enter only
 * through `params`. Shared by the repository (per-customer figures) and the filter field (comparisons).
 */
export function realisedValueSql(
  customerRef: string,
  period: { from: string; to: string; now: string },
  config: LifetimeValueConfig,
  params: SqlParams,
): RealisedSql {
  const from = period.from;
  // Interest accrues only up to now: a period reaching into the future has not been realised yet.
  const end = `LEAST(${period.to}, ${period.now})`;
  const days = `GREATEST(0, EXTRACT(EPOCH FROM (LEAST(COALESCE(a.closed_at, 'infinity'::timestamptz), ${end}) - GREATEST(a.opened_at, ${from}))) / 86400)`;
  const periodDays = `NULLIF(GREATEST(0, EXTRACT(EPOCH FROM (${end} - ${from})) / 86400), 0)`;
  const types = params.add([...PRODUCT_TYPES], 'text[]');
  const spreads = params.add(PRODUCT_TYPES.map((t) => config.spreads[t]), 'numeric[]');
  const lending = params.add([...LENDING_PRODUCTS], 'text[]');
  const interchange = params.add(config.interchangeRate, 'numeric');
  const codes = Object.keys(config.partnerCommission.byPartner);
  const partnerCodes = params.add(codes, 'text[]');
  const partnerRates = params.add(codes.map((c) => config.partnerCommission.byPartner[c]), 'numeric[]');
  const defaultRate = params.add(config.partnerCommission.defaultRate, 'numeric');

  const joins = `
    CROSS JOIN LATERAL (
      SELECT COALESCE(sum(rv_a.accrued) FILTER (WHERE NOT rv_a.lending), 0) AS deposit_margin,
             COALESCE(sum(rv_a.balance_days) FILTER (WHERE NOT rv_a.lending), 0) AS deposit_balance_days,
             COALESCE(sum(rv_a.accrued) FILTER (WHERE rv_a.lending), 0) AS lending_margin,
             COALESCE(sum(rv_a.balance_days) FILTER (WHERE rv_a.lending), 0) AS lending_balance_days
        FROM (SELECT a.product_type = ANY(${lending}) AS lending,
                     abs(a.balance) * ${days} AS balance_days,
                     abs(a.balance) * rv_s.spread * ${days} / 365 AS accrued
                FROM account a
                JOIN unnest(${types}, ${spreads}) AS rv_s(product_type, spread) ON rv_s.product_type = a.product_type
               WHERE a.customer_id = ${customerRef} AND a.opened_at < ${end}
                 AND (a.closed_at IS NULL OR a.closed_at > ${from})) rv_a
    ) rv_m
    CROSS JOIN LATERAL (
      SELECT COALESCE(-sum(t.amount) FILTER (WHERE t.counterparty_kind = 'BANK_FEE'), 0) AS fees,
             COALESCE(-sum(t.amount) FILTER (WHERE t.amount < 0 AND t.counterparty_kind = 'MERCHANT'
                                               AND (t.channel = 'POS' OR ta.product_type = 'CREDIT_CARD')), 0) AS card_spend
        FROM bank_transaction t
        JOIN account ta ON ta.customer_id = t.customer_id AND ta.id = t.account_id
       WHERE t.customer_id = ${customerRef} AND t.booked_at >= ${from} AND t.booked_at < ${period.to}
    ) rv_t
    CROSS JOIN LATERAL (
      SELECT COALESCE(sum(pp.amount * COALESCE(rv_r.rate, ${defaultRate})), 0) AS commission,
             COALESCE(sum(pp.amount), 0) AS purchases
        FROM partner_purchase pp
        JOIN partner rv_p ON rv_p.id = pp.partner_id
        LEFT JOIN unnest(${partnerCodes}, ${partnerRates}) AS rv_r(code, rate) ON rv_r.code = rv_p.code
       WHERE pp.customer_id = ${customerRef} AND pp.purchased_at >= ${from} AND pp.purchased_at < ${period.to}
    ) rv_pp`;

  const parts = {
    depositMargin: 'round(rv_m.deposit_margin, 2)',
    lendingMargin: 'round(rv_m.lending_margin, 2)',
    fees: 'round(rv_t.fees, 2)',
    cardInterchange: `round(rv_t.card_spend * ${interchange}, 2)`,
    partnerCommission: 'round(rv_pp.commission, 2)',
  };
  const total = `(${Object.values(parts).join(' + ')})`;
  const columns = [
    `${total}::text AS "total"`,
    `${parts.depositMargin}::text AS "depositMargin"`,
    `round(COALESCE(rv_m.deposit_balance_days / ${periodDays}, 0), 2)::text AS "depositBalance"`,
    `${parts.lendingMargin}::text AS "lendingMargin"`,
    `round(COALESCE(rv_m.lending_balance_days / ${periodDays}, 0), 2)::text AS "lendingBalance"`,
    `${parts.fees}::text AS "fees"`,
    `${parts.cardInterchange}::text AS "cardInterchange"`,
    `round(rv_t.card_spend, 2)::text AS "cardSpend"`,
    `${parts.partnerCommission}::text AS "partnerCommission"`,
    `round(rv_pp.purchases, 2)::text AS "partnerPurchases"`,
  ].join(',\n      ');
  return { joins, columns, total };
}
