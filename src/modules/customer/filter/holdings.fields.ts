import { badInput } from '../../../common/errors';
import { PRODUCT_TYPES } from '../../core-banking/account.entity';
import { LOAN_STATUSES } from '../../core-banking/loan.entity';
import { STANDING_ORDER_PURPOSES } from '../../core-banking/standing-order.entity';
import { compare, compareCount, countShape, MONEY, readHasList } from './comparisons';
import { isPresent, readFloat, readObject } from './filter-context';
import { FilterField } from './filter-field';

/**
 * Holdings are the current state of the customer's accounts (balances are not kept over time, so `now` does
 * not move them). An account is held while its status is not CLOSED (OPEN or DORMANT).
 */
const HELD = `fa.customer_id = c.id AND fa.status <> 'CLOSED'`;
export const TOTAL_BALANCE_SQL = `(SELECT COALESCE(sum(fa.balance), 0) FROM account fa WHERE ${HELD})`;
const ACCOUNT_COUNT_SQL = `(SELECT count(*)::int FROM account fa WHERE ${HELD})`;

const hasProductType: FilterField = {
  condition(value, ctx, at) {
    const types = readHasList(value, at, PRODUCT_TYPES, 'ProductTypeHolding');
    if (types === null) return 'TRUE';
    return `EXISTS (SELECT 1 FROM account fa WHERE ${HELD} AND fa.product_type = ANY(${ctx.params.add(types, 'text[]')}))`;
  },
  actual: () =>
    `(SELECT COALESCE(jsonb_agg(DISTINCT fa.product_type ORDER BY fa.product_type), '[]'::jsonb) FROM account fa WHERE ${HELD})`,
};

/** Loans by status, whatever the state of their account: a repaid-but-open or a written-off loan still tells. */
const hasLoanStatus: FilterField = {
  condition(value, ctx, at) {
    const statuses = readHasList(value, at, LOAN_STATUSES, 'LoanStatusHolding');
    if (statuses === null) return 'TRUE';
    return `EXISTS (SELECT 1 FROM loan fl WHERE fl.customer_id = c.id AND fl.status = ANY(${ctx.params.add(statuses, 'text[]')}))`;
  },
  actual: () =>
    `(SELECT COALESCE(jsonb_agg(DISTINCT fl.status ORDER BY fl.status), '[]'::jsonb) FROM loan fl WHERE fl.customer_id = c.id)`,
};

/** Standing orders that still run: those on an account that is not CLOSED. */
const RUNNING_ORDER = `FROM standing_order fo JOIN account fa ON fa.customer_id = fo.customer_id AND fa.id = fo.account_id
  WHERE fo.customer_id = c.id AND fa.status <> 'CLOSED'`;

/** Standing orders by purpose, e.g. LOAN_REPAYMENT: loan instalments, to this bank or another (see the loan-elsewhere segment). */
const hasStandingOrderPurpose: FilterField = {
  condition(value, ctx, at) {
    const purposes = readHasList(value, at, STANDING_ORDER_PURPOSES, 'StandingOrderPurposeHolding');
    if (purposes === null) return 'TRUE';
    return `EXISTS (SELECT 1 ${RUNNING_ORDER} AND fo.purpose = ANY(${ctx.params.add(purposes, 'text[]')}))`;
  },
  actual: () => `(SELECT COALESCE(jsonb_agg(DISTINCT fo.purpose ORDER BY fo.purpose), '[]'::jsonb) ${RUNNING_ORDER})`,
};

const totalBalance: FilterField = {
  condition: (value, ctx, at) => compare(TOTAL_BALANCE_SQL, value, MONEY, ctx, at),
  actual: () => `to_jsonb(${TOTAL_BALANCE_SQL}::text)`,
};

const accountCount: FilterField = {
  condition(value, ctx, at) {
    const shape = countShape(value);
    if (shape === 'ANY') return `EXISTS (SELECT 1 FROM account fa WHERE ${HELD})`;
    if (shape === 'NONE') return `NOT EXISTS (SELECT 1 FROM account fa WHERE ${HELD})`;
    return compareCount(ACCOUNT_COUNT_SQL, value, ctx, at);
  },
  actual: () => `to_jsonb(${ACCOUNT_COUNT_SQL})`,
};

/**
 * Every customer's rank by total balance, computed once per statement (an uncorrelated subquery the planner
 * runs a single time), so "top 5%" costs one pass over accounts rather than one per customer.
 * `below` = customers with a strictly lower total; percentile = below / all customers, in [0, 1).
 */
const RANKED = `(SELECT fr.id, rank() OVER (ORDER BY fr.total) - 1 AS below, count(*) OVER () AS n
    FROM (SELECT c2.id, COALESCE(fb.total, 0) AS total
            FROM customer c2
            LEFT JOIN (SELECT fa.customer_id, sum(fa.balance) AS total FROM account fa WHERE fa.status <> 'CLOSED' GROUP BY fa.customer_id) fb
              ON fb.customer_id = c2.id) fr)`;

const balancePercentile: FilterField = {
  condition(value, ctx, at) {
    const ops = readObject(value, at);
    const conds: string[] = [];
    for (const [op, v] of Object.entries(ops)) {
      if (!isPresent(v)) continue;
      const where = `${at}.${op}`;
      const sqlOp = ({ _eq: '=', _neq: '<>', _gt: '>', _gte: '>=', _lt: '<', _lte: '<=' } as Record<string, string>)[op];
      if (!sqlOp) throw badInput(where, `operator ${op} does not apply to a percentile`);
      const p = readFloat(v, where);
      if (p < 0 || p > 1) throw badInput(where, 'a percentile is a fraction between 0 and 1, e.g. 0.95');
      // below / n <op> p, without dividing: exact in numeric.
      conds.push(`r.below::numeric ${sqlOp} ${ctx.params.add(String(p), 'numeric')} * r.n`);
    }
    if (conds.length === 0) return 'TRUE';
    return `c.id IN (SELECT r.id FROM ${RANKED} r WHERE ${conds.join(' AND ')})`;
  },
  actual: () => `to_jsonb((SELECT round(r.below::numeric / r.n, 4) FROM ${RANKED} r WHERE r.id = c.id))`,
};

export const HOLDINGS_FIELDS: Record<string, FilterField> = {
  hasProductType,
  hasLoanStatus,
  hasStandingOrderPurpose,
  totalBalance,
  accountCount,
  balancePercentile,
};
