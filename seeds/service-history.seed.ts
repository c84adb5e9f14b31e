import type { PoolClient } from 'pg';

/**
 * Service history for the demo bank, generated in SQL from the customers and accounts already seeded, so it
 * costs a handful of set-based statements at any size. Deterministic: every draw is a hash of (row, salt,
 * seed), never random(). The shape it aims for (issue 6):
 * - a sale at the branch or online for most account openings;
 * - active customers (3+ accounts) visit a branch or call now and then; the long tail gets at most one
 *   "one-time service", most of them none;
 * - monthly marketing campaigns reach under half the customers (many are never contacted at all), and a
 *   few percent are over-contacted by a second team in the last four weeks;
 * - complaints, advice and open requests lead to follow-ups; most old ones are done, some are overdue.
 */
export interface ServiceHistorySeedSummary {
  interactions: number;
  followUps: number;
}

const DAY = `interval '1 day'`;

/** A uniform draw in [0, 1) for a row key (bigint SQL expression) and a salt; $1 is the seed. */
const u = (key: string, salt: number) => `((hashint8extended((${key}) * 64 + ${salt}, $1::bigint) & 2147483647)::float8 / 2147483648)`;

/** Picks from a fixed list by a draw; weights are cumulative thresholds. */
function pick(draw: string, choices: readonly (readonly [string, number])[]): string {
  const cases = choices.slice(0, -1).map(([value, upTo]) => `WHEN ${draw} < ${upTo} THEN '${value}'`);
  return `CASE ${cases.join(' ')} ELSE '${choices[choices.length - 1][0]}' END`;
}

const NOTES = [
  'Asked about the fee on a cross-region withdrawal',
  'Updated the phone number on file',
  'Card blocked after three wrong PINs; reissued',
  'Wanted to know how to raise the mobile transfer limit',
  'Questions about the time deposit rates',
  'Statement for a visa application',
];

export async function seedServiceHistory(client: PoolClient, options: { seed: number; nowMs: number }): Promise<ServiceHistorySeedSummary> {
  const params = [options.seed, new Date(options.nowMs).toISOString()];
  const now = '$2::timestamptz';
  const notes = `(ARRAY[${NOTES.map((n) => `'${n}'`).join(', ')}])`;
  let interactions = 0;

  // Sales: most account openings were sold by someone.
  interactions += (
    await client.query(
      `INSERT INTO interaction (customer_id, occurred_at, channel, kind, outcome, branch_id, staff_ref, product_type, note, source_system, source_key)
       SELECT a.customer_id, a.opened_at,
              CASE WHEN c.home_branch_id IS NOT NULL AND ${u('a.id', 2)} < 0.7 THEN 'BRANCH' ELSE 'ONLINE' END,
              'SALE', 'ACCEPTED',
              CASE WHEN ${u('a.id', 2)} < 0.7 THEN c.home_branch_id END,
              'E' || lpad((1 + floor(${u('a.id', 3)} * 400))::int::text, 4, '0'),
              a.product_type, NULL, 'crm', 'SEED-SALE-' || a.id
         FROM account a JOIN customer c ON c.id = a.customer_id
        WHERE ${u('a.id', 1)} < 0.6 AND a.opened_at < ${now}
        ORDER BY a.customer_id, a.id`,
      params,
    )
  ).rowCount!;

  // Service: a few contacts for active customers, at most one for the long tail.
  interactions += (
    await client.query(
      `WITH c AS (
         SELECT c.id, c.home_branch_id, c.created_at, (SELECT count(*) FROM account a WHERE a.customer_id = c.id) AS accounts
           FROM customer c
       ), n AS (
         SELECT c.*, CASE WHEN c.accounts >= 3 THEN floor(${u('c.id', 10)} * 5)::int
                          WHEN ${u('c.id', 10)} < 0.35 THEN 1 ELSE 0 END AS contacts
           FROM c
       ), s AS (
         SELECT n.id, n.home_branch_id, k, ${u('n.id * 16 + k', 11)} AS r_channel, ${u('n.id * 16 + k', 12)} AS r_kind,
                ${u('n.id * 16 + k', 13)} AS r_outcome,
                greatest(n.created_at, ${now} - interval '730 days')
                  + (${now} - greatest(n.created_at, ${now} - interval '730 days')) * ${u('n.id * 16 + k', 14)} AS at
           FROM n CROSS JOIN generate_series(1, n.contacts) AS k
       )
       INSERT INTO interaction (customer_id, occurred_at, channel, kind, outcome, branch_id, staff_ref, product_type, note, source_system, source_key)
       SELECT s.id, s.at, ch.channel, kd.kind,
              CASE WHEN kd.kind = 'ADVICE' THEN 'INFORMATION_GIVEN'
                   ELSE ${pick('s.r_outcome', [['RESOLVED', 0.75], ['PENDING', 0.88], ['ESCALATED', 1]])} END,
              CASE WHEN ch.channel = 'BRANCH' THEN s.home_branch_id END,
              CASE WHEN ch.channel IN ('BRANCH', 'CALL_CENTRE') THEN 'E' || lpad((1 + floor(s.r_outcome * 400))::int::text, 4, '0') END,
              NULL, ${notes}[1 + floor(s.r_kind * ${NOTES.length})::int],
              CASE WHEN ch.channel = 'CALL_CENTRE' THEN 'call-centre' ELSE 'crm' END, 'SEED-SVC-' || s.id || '-' || s.k
         FROM s
        CROSS JOIN LATERAL (SELECT CASE WHEN s.home_branch_id IS NULL AND s.r_channel < 0.4 THEN 'CALL_CENTRE'
                                        ELSE ${pick('s.r_channel', [['BRANCH', 0.4], ['CALL_CENTRE', 0.75], ['ONLINE', 0.9], ['MOBILE_APP', 1]])} END AS channel) ch
        CROSS JOIN LATERAL (SELECT ${pick('s.r_kind', [['SERVICE_REQUEST', 0.7], ['ADVICE', 0.9], ['COMPLAINT', 1]])} AS kind) kd
        WHERE s.at < ${now}
        ORDER BY s.id, s.k`,
      params,
    )
  ).rowCount!;

  // Marketing: 24 monthly campaigns to under half the customers; the rest are never marketed to.
  interactions += (
    await client.query(
      `WITH campaign AS (
         SELECT j, ${now} - (j * 30 + 12) * ${DAY} AS at FROM generate_series(0, 23) AS j
       )
       INSERT INTO interaction (customer_id, occurred_at, channel, kind, outcome, source_system, source_key)
       SELECT c.id, campaign.at + ${u('c.id * 32 + campaign.j', 21)} * 2 * ${DAY},
              ${pick(u('c.id * 32 + campaign.j', 22), [['SMS', 0.55], ['EMAIL', 0.85], ['MOBILE_APP', 1]])},
              'MARKETING_CONTACT',
              ${pick(u('c.id * 32 + campaign.j', 23), [['NO_RESPONSE', 0.8], ['DECLINED', 0.9], ['ACCEPTED', 1]])},
              'campaigns', 'SEED-MKT-' || campaign.j || '-' || c.id
         FROM customer c CROSS JOIN campaign
        WHERE ${u('c.id', 20)} < 0.45 AND ${u('c.id * 32 + campaign.j', 24)} < 0.12 AND c.created_at < campaign.at
        ORDER BY c.id, campaign.j`,
      params,
    )
  ).rowCount!;

  // Over-contacted: a second team (cards, wealth) calls and messages the same people within four weeks.
  interactions += (
    await client.query(
      `INSERT INTO interaction (customer_id, occurred_at, channel, kind, outcome, source_system, source_key)
       SELECT c.id, ${now} - (1 + ${u('c.id * 8 + k', 31)} * 27) * ${DAY},
              ${pick(u('c.id * 8 + k', 32), [['CALL_CENTRE', 0.4], ['SMS', 0.8], ['MOBILE_APP', 1]])},
              'MARKETING_CONTACT', ${pick(u('c.id * 8 + k', 33), [['NO_RESPONSE', 0.6], ['DECLINED', 1]])},
              'cards-team', 'SEED-MKT2-' || c.id || '-' || k
         FROM customer c CROSS JOIN LATERAL generate_series(1, 3 + floor(${u('c.id', 30)} * 3)::int) AS k
        WHERE ${u('c.id', 20)} < 0.45 AND ${u('c.id', 34)} < 0.06 AND c.created_at < ${now} - interval '30 days'
        ORDER BY c.id, k`,
      params,
    )
  ).rowCount!;

  // Follow-ups for complaints, advice and requests left open; old ones mostly done, some overdue, recent ones due.
  const followUps = (
    await client.query(
      `INSERT INTO follow_up (customer_id, due_at, reason, owner, branch_id, created_at, completed_at, outcome)
       SELECT f.customer_id, f.due_at, f.reason, f.owner, f.branch_id, f.created_at,
              CASE WHEN f.done THEN f.completed_at END, CASE WHEN f.done THEN f.outcome END
         FROM (
           SELECT i.customer_id, i.occurred_at AS created_at,
                  i.occurred_at + (2 + ${u('i.id', 41)} * 12) * ${DAY} AS due_at,
                  CASE i.kind WHEN 'COMPLAINT' THEN 'Call back about the complaint'
                              WHEN 'ADVICE' THEN 'Send the product comparison discussed'
                              ELSE 'Confirm the request was completed' END AS reason,
                  'RM-' || coalesce(b.code, 'CENTRAL') || '-' || (1 + floor(${u('i.id', 42)} * 3))::int AS owner,
                  c.home_branch_id AS branch_id,
                  least(i.occurred_at + (2 + ${u('i.id', 41)} * 12 + ${u('i.id', 43)} * 4) * ${DAY}, ${now} - interval '1 hour') AS completed_at,
                  ${pick(u('i.id', 44), [['Customer satisfied', 0.6], ['Explained again; customer will think about it', 0.85], ['Could not reach the customer', 1]])} AS outcome,
                  i.occurred_at + (2 + ${u('i.id', 41)} * 12) * ${DAY} < ${now} - interval '1 day' AND ${u('i.id', 45)} < 0.7 AS done
             FROM interaction i
             JOIN customer c ON c.id = i.customer_id
             LEFT JOIN branch b ON b.id = c.home_branch_id
            WHERE i.source_key LIKE 'SEED-SVC-%' AND ${u('i.id', 40)} < 0.6
              AND (i.kind IN ('COMPLAINT', 'ADVICE') OR i.outcome IN ('PENDING', 'ESCALATED'))
            ORDER BY i.customer_id, i.id
         ) f
`,
      params,
    )
  ).rowCount!;

  // A completed follow-up was a contact too (the seed runs on empty customer tables: every follow-up is ours).
  interactions += (
    await client.query(
      `INSERT INTO interaction (customer_id, occurred_at, channel, kind, outcome, branch_id, staff_ref, note, source_system, source_key)
       SELECT f.customer_id, f.completed_at, 'CALL_CENTRE', 'FOLLOW_UP', 'RESOLVED', f.branch_id, f.owner, f.outcome,
              'fattail-api', 'follow-up:' || f.customer_id || '.' || f.id
         FROM follow_up f
        WHERE f.completed_at IS NOT NULL
        ORDER BY f.customer_id, f.id`,
    )
  ).rowCount!;

  return { interactions, followUps };
}
