import { DataSource } from 'typeorm';

export interface StatementParams {
  year: number;
  timeZone: string;
  cashback: { defaultRate: string; byPartner: Record<string, string> };
  /** Items in the top lists. */
  top: number;
}

export interface CategoryRow {
  code: string;
  amount: string;
  transactions: number;
  share: string;
}

export interface MerchantRow {
  name: string;
  amount: string;
  transactions: number;
}

export interface PartnerSpendRow {
  partnerId: string;
  amount: string;
  purchases: number;
  cashbackRate: string;
  cashback: string;
}

/** One customer's year, as SQL computed it. Money is text (numeric), never a float. */
export interface StatementRow {
  from: Date;
  to: Date;
  moneyIn: string;
  moneyOut: string;
  repayments: string;
  transactionCount: number;
  spending: string;
  categories: CategoryRow[];
  merchants: MerchantRow[];
  partners: PartnerSpendRow[];
  partnerSpent: string;
  partnerCashback: string;
  enrolledAt: Date | null;
  activatedAt: Date | null;
  firstLoginAt: Date | null;
  sessions: number;
  topFeature: { feature: string; sessions: number } | null;
  busiestMonth: { month: number; sessions: number } | null;
  savingsAccounts: number;
  savingsNetFlow: string;
  savingsInterest: string;
  savingsClosing: string;
  largestPurchase: { amount: string; bookedAt: string; counterpartyName: string | null; merchantCategoryCode: string | null } | null;
  firstLoanRepaid: { principal: string; grantedAt: string; repaidAt: string } | null;
  accountsOpened: number;
  newPartners: number;
}

// Spending: money paid to merchants and through payment platforms; transfers, cash and fees are not spending.
const SPENDING = `t.amount < 0 AND t.counterparty_kind IN ('MERCHANT', 'THIRD_PARTY_PLATFORM')`;
const IN_YEAR = (column: string) => `${column} >= b.from_at AND ${column} < b.to_at`;
const DEPOSIT = `('CURRENT', 'SAVINGS', 'TIME_DEPOSIT', 'FUND')`;
const SAVINGS = `('SAVINGS', 'TIME_DEPOSIT')`;

/**
 * The annual statement: every figure is an SQL aggregate, for many customers in ONE statement (one
 * LATERAL group per customer), so a page of customers costs one round trip. Year bounds are midnight
 * 1 January in the bank's time zone.
 */
export class AnnualStatementRepository {
  constructor(private readonly dataSource: DataSource) {}

  async statements(customerIds: readonly string[], p: StatementParams): Promise<StatementRow[]> {
    const codes = Object.keys(p.cashback.byPartner);
    const rows: (StatementRow & { i: number })[] = await this.dataSource.query(
      `WITH b AS (
         SELECT make_timestamptz($2::int, 1, 1, 0, 0, 0, $3::text) AS from_at,
                make_timestamptz($2::int + 1, 1, 1, 0, 0, 0, $3::text) AS to_at
       )
       SELECT k.i::int AS i, b.from_at AS "from", b.to_at AS "to",
              flows.money_in::text AS "moneyIn", flows.money_out::text AS "moneyOut", flows.repayments::text AS "repayments",
              flows.n AS "transactionCount", spend.total::text AS spending,
              coalesce(cats.list, '[]'::jsonb) AS categories,
              coalesce(merchants.list, '[]'::jsonb) AS merchants,
              coalesce(partners.list, '[]'::jsonb) AS partners,
              coalesce(partners.spent, 0)::numeric(18, 2)::text AS "partnerSpent",
              coalesce(partners.cashback, 0)::numeric(18, 2)::text AS "partnerCashback",
              e.enrolled_at AS "enrolledAt", e.activated_at AS "activatedAt",
              mobile.first_login AS "firstLoginAt", mobile.sessions,
              feature.top AS "topFeature", month.top AS "busiestMonth",
              savings.accounts AS "savingsAccounts", savings.net_flow::text AS "savingsNetFlow",
              savings.interest::text AS "savingsInterest", savings.closing::text AS "savingsClosing",
              largest.top AS "largestPurchase", repaid.first AS "firstLoanRepaid",
              opened.n AS "accountsOpened", firsts.n AS "newPartners"
         FROM unnest($1::bigint[]) WITH ORDINALITY AS k(customer_id, i)
        CROSS JOIN b
        CROSS JOIN LATERAL (
          SELECT coalesce(sum(t.amount) FILTER (WHERE t.amount > 0 AND a.product_type IN ${DEPOSIT}), 0)::numeric(18, 2) AS money_in,
                 coalesce(-sum(t.amount) FILTER (WHERE t.amount < 0), 0)::numeric(18, 2) AS money_out,
                 -- Credits to loan and card accounts pay debt back: not income.
                 coalesce(sum(t.amount) FILTER (WHERE t.amount > 0 AND a.product_type NOT IN ${DEPOSIT}), 0)::numeric(18, 2) AS repayments,
                 count(*)::int AS n
            FROM bank_transaction t
            JOIN account a ON a.customer_id = t.customer_id AND a.id = t.account_id
           WHERE t.customer_id = k.customer_id AND ${IN_YEAR('t.booked_at')}
        ) flows
        CROSS JOIN LATERAL (
          SELECT coalesce(-sum(t.amount), 0)::numeric(18, 2) AS total
            FROM bank_transaction t WHERE t.customer_id = k.customer_id AND ${IN_YEAR('t.booked_at')} AND ${SPENDING}
        ) spend
        LEFT JOIN LATERAL (
          SELECT jsonb_agg(jsonb_build_object('code', c.code, 'amount', c.amount::text, 'transactions', c.n,
                           'share', round(c.amount / nullif(spend.total, 0), 4)::text) ORDER BY c.amount DESC, c.code) AS list
            FROM (SELECT coalesce(t.merchant_category_code, t.counterparty_kind) AS code, -sum(t.amount) AS amount, count(*)::int AS n
                    FROM bank_transaction t
                   WHERE t.customer_id = k.customer_id AND ${IN_YEAR('t.booked_at')} AND ${SPENDING}
                   GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT $7::int) c
        ) cats ON TRUE
        LEFT JOIN LATERAL (
          SELECT jsonb_agg(jsonb_build_object('name', m.name, 'amount', m.amount::text, 'transactions', m.n) ORDER BY m.amount DESC, m.name) AS list
            FROM (SELECT t.counterparty_name AS name, -sum(t.amount) AS amount, count(*)::int AS n
                    FROM bank_transaction t
                   WHERE t.customer_id = k.customer_id AND ${IN_YEAR('t.booked_at')} AND t.amount < 0
                     AND t.counterparty_kind = 'MERCHANT' AND t.counterparty_name IS NOT NULL
                   GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT $7::int) m
        ) merchants ON TRUE
        LEFT JOIN LATERAL (
          SELECT jsonb_agg(jsonb_build_object('partnerId', s.partner_id::text, 'amount', s.amount::text, 'purchases', s.n,
                           'cashbackRate', s.rate::text, 'cashback', round(s.amount * s.rate, 2)::text) ORDER BY s.amount DESC, s.partner_id) AS list,
                 sum(s.amount) AS spent, sum(round(s.amount * s.rate, 2)) AS cashback
            FROM (SELECT pp.partner_id, sum(pp.amount) AS amount, count(*)::int AS n,
                         coalesce((SELECT r.rate FROM unnest($4::text[], $5::numeric[]) AS r(code, rate) WHERE r.code = p.code), $6::numeric) AS rate
                    FROM partner_purchase pp JOIN partner p ON p.id = pp.partner_id
                   WHERE pp.customer_id = k.customer_id AND ${IN_YEAR('pp.purchased_at')}
                   GROUP BY pp.partner_id, p.code) s
        ) partners ON TRUE
        LEFT JOIN mobile_enrolment e ON e.customer_id = k.customer_id
        CROSS JOIN LATERAL (
          SELECT min(s.started_at) AS first_login,
                 count(*) FILTER (WHERE ${IN_YEAR('s.started_at')})::int AS sessions
            FROM mobile_session s WHERE s.customer_id = k.customer_id
        ) mobile
        LEFT JOIN LATERAL (
          SELECT jsonb_build_object('feature', f.feature, 'sessions', count(*)) AS top
            FROM mobile_session s CROSS JOIN LATERAL unnest(s.features_used) AS f(feature)
           WHERE s.customer_id = k.customer_id AND ${IN_YEAR('s.started_at')}
           GROUP BY f.feature ORDER BY count(*) DESC, f.feature LIMIT 1
        ) feature ON TRUE
        LEFT JOIN LATERAL (
          SELECT jsonb_build_object('month', m.month, 'sessions', m.sessions) AS top
            FROM (SELECT extract(month FROM s.started_at AT TIME ZONE $3::text)::int AS month, count(*)::int AS sessions
                    FROM mobile_session s
                   WHERE s.customer_id = k.customer_id AND ${IN_YEAR('s.started_at')}
                   GROUP BY 1) m
           ORDER BY m.sessions DESC, m.month LIMIT 1
        ) month ON TRUE
        CROSS JOIN LATERAL (
          -- Closing balance: today's balance minus what moved after the year ended; opening = closing - net flow.
          SELECT count(*)::int AS accounts,
                 coalesce(sum(x.net_flow), 0)::numeric(18, 2) AS net_flow,
                 coalesce(sum(x.interest), 0)::numeric(18, 2) AS interest,
                 coalesce(sum(x.balance - x.later), 0)::numeric(18, 2) AS closing
            FROM (SELECT a.balance,
                         coalesce(sum(t.amount) FILTER (WHERE ${IN_YEAR('t.booked_at')}), 0) AS net_flow,
                         coalesce(sum(t.amount) FILTER (WHERE ${IN_YEAR('t.booked_at')} AND t.counterparty_kind = 'INTEREST'), 0) AS interest,
                         coalesce(sum(t.amount) FILTER (WHERE t.booked_at >= b.to_at), 0) AS later
                    FROM account a
                    LEFT JOIN bank_transaction t ON t.customer_id = a.customer_id AND t.account_id = a.id AND t.booked_at >= b.from_at
                   WHERE a.customer_id = k.customer_id AND a.product_type IN ${SAVINGS} AND a.opened_at < b.to_at
                     AND (a.closed_at IS NULL OR a.closed_at >= b.from_at)
                   GROUP BY a.id, a.balance) x
        ) savings
        LEFT JOIN LATERAL (
          SELECT jsonb_build_object('amount', (-t.amount)::text, 'bookedAt', t.booked_at, 'counterpartyName', t.counterparty_name,
                                    'merchantCategoryCode', t.merchant_category_code) AS top
            FROM bank_transaction t
           WHERE t.customer_id = k.customer_id AND ${IN_YEAR('t.booked_at')} AND ${SPENDING}
           ORDER BY t.amount, t.booked_at, t.id LIMIT 1
        ) largest ON TRUE
        LEFT JOIN LATERAL (
          -- A repaid loan's account closes when it is paid off: that is the repayment date.
          SELECT jsonb_build_object('principal', r.principal::text, 'grantedAt', r.granted_at, 'repaidAt', r.repaid_at) AS first
            FROM (SELECT l.principal, l.granted_at, a.closed_at AS repaid_at
                    FROM loan l JOIN account a ON a.customer_id = l.customer_id AND a.id = l.account_id
                   WHERE l.customer_id = k.customer_id AND l.status = 'REPAID' AND a.closed_at IS NOT NULL
                   ORDER BY a.closed_at, l.id LIMIT 1) r
           WHERE ${IN_YEAR('r.repaid_at')}
        ) repaid ON TRUE
        CROSS JOIN LATERAL (
          SELECT count(*)::int AS n FROM account a WHERE a.customer_id = k.customer_id AND ${IN_YEAR('a.opened_at')}
        ) opened
        CROSS JOIN LATERAL (
          SELECT count(*)::int AS n
            FROM (SELECT min(pp.purchased_at) AS first FROM partner_purchase pp WHERE pp.customer_id = k.customer_id GROUP BY pp.partner_id) f
           WHERE ${IN_YEAR('f.first')}
        ) firsts
        ORDER BY k.i`,
      [customerIds, p.year, p.timeZone, codes, codes.map((c) => p.cashback.byPartner[c]), p.cashback.defaultRate, p.top],
    );
    return rows;
  }
}
