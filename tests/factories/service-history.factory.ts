import { DataSource } from 'typeorm';

/**
 * Builders for service-history tests, beside bank.factory.ts (which stays as it is): interactions,
 * follow-ups, loans and account closings written with plain SQL.
 */
let sequence = 0;
const next = () => ++sequence;

export interface InteractionSpec {
  occurredAt: string;
  channel?: string;
  kind?: string;
  outcome?: string | null;
  branchId?: string | null;
  staffRef?: string | null;
  note?: string | null;
  sourceSystem?: string;
  sourceKey?: string;
}

export async function createInteraction(ds: DataSource, customerId: string, spec: InteractionSpec): Promise<string> {
  const [row] = await ds.query(
    `INSERT INTO interaction (customer_id, occurred_at, channel, kind, outcome, branch_id, staff_ref, note, source_system, source_key)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id`,
    [
      customerId,
      spec.occurredAt,
      spec.channel ?? 'BRANCH',
      spec.kind ?? 'SERVICE_REQUEST',
      spec.outcome ?? null,
      spec.branchId ?? null,
      spec.staffRef ?? null,
      spec.note ?? null,
      spec.sourceSystem ?? 'crm',
      spec.sourceKey ?? `INT-T${next()}`,
    ],
  );
  return row.id;
}

export async function createLoan(
  ds: DataSource,
  customerId: string,
  accountId: string,
  spec: { grantedAt: string; principal?: string; termMonths?: number; status?: string },
): Promise<string> {
  const [row] = await ds.query(
    `INSERT INTO loan (customer_id, account_id, source_system, source_key, principal, term_months, monthly_payment, status, granted_at)
     VALUES ($1, $2, 'core-banking', $3, $4, $5, NULL, $6, $7) RETURNING id`,
    [customerId, accountId, `LOAN-T${next()}`, spec.principal ?? '10000.00', spec.termMonths ?? 12, spec.status ?? 'ACTIVE', spec.grantedAt],
  );
  return row.id;
}

export async function closeAccount(ds: DataSource, customerId: string, accountId: string, closedAt: string): Promise<void> {
  await ds.query(`UPDATE account SET status = 'CLOSED', closed_at = $3 WHERE customer_id = $1 AND id = $2`, [customerId, accountId, closedAt]);
}

export async function createFollowUpRow(
  ds: DataSource,
  customerId: string,
  spec: { dueAt: string; owner?: string; branchId?: string | null; reason?: string; completedAt?: string | null },
): Promise<string> {
  const [row] = await ds.query(
    `INSERT INTO follow_up (customer_id, due_at, reason, owner, branch_id, completed_at, outcome)
     VALUES ($1, $2, $3, $4, $5, $6, CASE WHEN $6::timestamptz IS NULL THEN NULL ELSE 'done' END) RETURNING id`,
    [customerId, spec.dueAt, spec.reason ?? 'Call back about the mortgage offer', spec.owner ?? 'RM-001', spec.branchId ?? null, spec.completedAt ?? null],
  );
  return row.id;
}

/** A bank transaction with every field a statement or leakage test cares about. */
export async function createTransaction(
  ds: DataSource,
  customerId: string,
  accountId: string,
  spec: { bookedAt: string; amount: string; counterpartyKind: string; counterpartyName?: string | null; mcc?: string | null; channel?: string },
): Promise<string> {
  const [row] = await ds.query(
    `INSERT INTO bank_transaction (customer_id, account_id, source_system, source_key, booked_at, amount, channel, counterparty_kind, counterparty_name, merchant_category_code)
     VALUES ($1, $2, 'core-banking', $3, $4, $5, $6, $7, $8, $9) RETURNING id`,
    [customerId, accountId, `TX-S${next()}`, spec.bookedAt, spec.amount, spec.channel ?? 'MOBILE', spec.counterpartyKind, spec.counterpartyName ?? null, spec.mcc ?? null],
  );
  return row.id;
}

export const daysAgo = (days: number, from: Date = new Date()) => new Date(from.getTime() - days * 86_400_000).toISOString();
