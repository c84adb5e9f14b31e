import { DataSource } from 'typeorm';

/** Builders the segment tests need beyond bank.factory: loans, and instants relative to a fixed clock. */
let sequence = 0;

export function daysBefore(now: Date, days: number, extraMs = 0): string {
  return new Date(now.getTime() - days * 86_400_000 + extraMs).toISOString();
}

/** A birth date that makes the customer exactly `years` old on `now`'s UTC day (plus dayOffset days). */
export function bornYearsBefore(now: Date, years: number, dayOffset = 0): string {
  const d = new Date(now.getTime());
  d.setUTCFullYear(d.getUTCFullYear() - years);
  d.setUTCDate(d.getUTCDate() + dayOffset);
  return d.toISOString().slice(0, 10);
}

export async function createLoan(ds: DataSource, customerId: string, accountId: string, status: string, principal = '5000.00'): Promise<string> {
  const [row] = await ds.query(
    `INSERT INTO loan (customer_id, account_id, source_system, source_key, principal, term_months, monthly_payment, status, granted_at)
     VALUES ($1, $2, 'core-banking', $3, $4, 12, '450.00', $5, '2024-01-01T00:00:00Z') RETURNING id`,
    [customerId, accountId, `LN-S${++sequence}`, principal, status],
  );
  return row.id;
}

export async function createStandingOrder(ds: DataSource, customerId: string, accountId: string, purpose: string, amount = '300.00'): Promise<string> {
  const [row] = await ds.query(
    `INSERT INTO standing_order (customer_id, account_id, source_system, source_key, amount, currency, purpose, recipient_bank)
     VALUES ($1, $2, 'core-banking', $3, $4, 'CNY', $5, 'ICBC') RETURNING id`,
    [customerId, accountId, `SO-S${++sequence}`, amount, purpose],
  );
  return row.id;
}

export async function createInteraction(ds: DataSource, customerId: string, occurredAt: string, kind = 'SERVICE_REQUEST', channel = 'BRANCH'): Promise<void> {
  await ds.query(
    `INSERT INTO interaction (customer_id, occurred_at, channel, kind, source_system, source_key) VALUES ($1, $2, $3, $4, 'crm', $5)`,
    [customerId, occurredAt, channel, kind, `INT-S${++sequence}`],
  );
}
