import { DataSource } from 'typeorm';
import { RfmEvent, simulateCohort } from '../../src/modules/lifetime-value/model';

export interface SimulatedCohort {
  /** The events as stored (amounts rounded to cents). */
  events: RfmEvent[];
  /** Customer id of a simulated customer key ("c1", "c2", ...). */
  idOf(key: string): string;
}

/**
 * Partner customers whose purchases follow BG/NBD + Gamma-Gamma with CDNOW-like parameters (weeks, from
 * 1997-01-01), inserted in bulk. Enough repeat buyers for a stable fit with a few hundred customers.
 */
export async function seedSimulatedCohort(
  ds: DataSource,
  partnerId: string,
  options: { customers: number; seed: number; periodDays?: number },
): Promise<SimulatedCohort> {
  const events = simulateCohort({
    customers: options.customers,
    bgnbd: { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 },
    gg: { p: 6.25, q: 3.74, gamma: 15.44 },
    seed: options.seed,
    periodDays: options.periodDays ?? 400,
  }).map((e) => ({ ...e, amount: Number(e.amount.toFixed(2)) }));
  const name = (key: string) => `Sim ${options.seed} ${key}`;
  const keys = [...new Set(events.map((e) => e.customerKey))];
  const rows: { id: string; full_name: string }[] = await ds.query(`INSERT INTO customer (full_name) SELECT unnest($1::text[]) RETURNING id, full_name`, [
    keys.map(name),
  ]);
  const ids = new Map(rows.map((r) => [r.full_name, r.id] as const));
  const idOf = (key: string) => ids.get(name(key))!;
  await ds.query(
    `INSERT INTO partner_purchase (customer_id, partner_id, source_system, source_key, purchased_at, amount)
     SELECT u.c, $1, 'partner:sim', $2 || '-' || u.n, u.at, u.amount
       FROM unnest($3::bigint[], $4::timestamptz[], $5::numeric[]) WITH ORDINALITY AS u(c, at, amount, n)`,
    [partnerId, `sim-${options.seed}`, events.map((e) => idOf(e.customerKey)), events.map((e) => (e.at as Date).toISOString()), events.map((e) => e.amount.toFixed(2))],
  );
  return { events, idOf };
}
