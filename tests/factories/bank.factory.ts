import { DataSource } from 'typeorm';

/**
 * Small hand-made bank data for tests, written with plain SQL. Every builder returns the created ids.
 * Defaults are deliberately boring; tests state what matters to them.
 */
let sequence = 0;
const next = () => ++sequence;

export interface CustomerSpec {
  fullName?: string;
  birthDate?: string | null;
  gender?: string | null;
  occupation?: string | null;
  incomeBand?: string | null;
  city?: string | null;
  region?: string | null;
  interests?: string[];
  homeBranchId?: string | null;
  email?: string | null;
  phone?: string | null;
  createdAt?: string;
  source?: { system: string; key: string };
}

export async function createBranch(ds: DataSource, code = `BR-${next()}`, name = `Branch ${code}`): Promise<string> {
  const [row] = await ds.query(`INSERT INTO branch (code, name, city, region) VALUES ($1, $2, 'Chengdu', 'Sichuan') RETURNING id`, [code, name]);
  return row.id;
}

export async function createPartner(ds: DataSource, code = `partner-${next()}`, industry = 'e-commerce'): Promise<string> {
  const [row] = await ds.query(`INSERT INTO partner (code, name, industry) VALUES ($1, $2, $3) RETURNING id`, [code, `Partner ${code}`, industry]);
  return row.id;
}

export async function createCustomer(ds: DataSource, spec: CustomerSpec = {}): Promise<string> {
  const n = next();
  const [row] = await ds.query(
    `INSERT INTO customer (full_name, birth_date, gender, occupation, income_band, city, region, interests, home_branch_id, email, phone, created_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, COALESCE($12::timestamptz, now())) RETURNING id`,
    [
      spec.fullName ?? `Customer ${n}`,
      spec.birthDate === undefined ? '1990-01-01' : spec.birthDate,
      spec.gender === undefined ? 'FEMALE' : spec.gender,
      spec.occupation ?? null,
      spec.incomeBand ?? null,
      spec.city ?? null,
      spec.region ?? null,
      spec.interests ?? [],
      spec.homeBranchId ?? null,
      spec.email ?? null,
      spec.phone ?? null,
      spec.createdAt ?? null,
    ],
  );
  const source = spec.source ?? { system: 'core-banking', key: `CIF-T${n}` };
  await ds.query(`INSERT INTO customer_source (customer_id, source_system, source_key) VALUES ($1, $2, $3)`, [row.id, source.system, source.key]);
  return row.id;
}

export interface AccountSpec {
  productType?: string;
  balance?: string;
  status?: string;
  openedAt?: string;
  currency?: string;
}

export async function createAccount(ds: DataSource, customerId: string, spec: AccountSpec = {}): Promise<string> {
  const n = next();
  const [row] = await ds.query(
    `INSERT INTO account (customer_id, source_system, source_key, product_type, currency, status, opened_at, balance)
     VALUES ($1, 'core-banking', $2, $3, $4, $5, $6, $7) RETURNING id`,
    [customerId, `ACC-T${n}`, spec.productType ?? 'CURRENT', spec.currency ?? 'CNY', spec.status ?? 'OPEN', spec.openedAt ?? '2020-01-01T00:00:00Z', spec.balance ?? '100.00'],
  );
  return row.id;
}

export interface TransactionSpec {
  bookedAt?: string;
  amount?: string;
  channel?: string;
  counterpartyKind?: string;
  counterpartyName?: string | null;
}

export async function createTransactions(
  ds: DataSource,
  customerId: string,
  accountId: string,
  count: number,
  spec: (i: number) => TransactionSpec = () => ({}),
): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    const s = spec(i);
    const [row] = await ds.query(
      `INSERT INTO bank_transaction (customer_id, account_id, source_system, source_key, booked_at, amount, channel, counterparty_kind, counterparty_name)
       VALUES ($1, $2, 'core-banking', $3, $4, $5, $6, $7, $8) RETURNING id`,
      [
        customerId,
        accountId,
        `TX-T${next()}`,
        s.bookedAt ?? new Date(Date.UTC(2024, 0, 1) + i * 3_600_000).toISOString(),
        s.amount ?? '-10.00',
        s.channel ?? 'POS',
        s.counterpartyKind ?? 'MERCHANT',
        s.counterpartyName ?? null,
      ],
    );
    ids.push(row.id);
  }
  return ids;
}

export async function createPurchase(ds: DataSource, customerId: string, partnerId: string, purchasedAt: string, amount = '25.00'): Promise<string> {
  const [row] = await ds.query(
    `INSERT INTO partner_purchase (customer_id, partner_id, source_system, source_key, purchased_at, amount, category)
     VALUES ($1, $2, 'partner', $3, $4, $5, 'books') RETURNING id`,
    [customerId, partnerId, `PP-T${next()}`, purchasedAt, amount],
  );
  return row.id;
}

export async function enrolMobile(ds: DataSource, customerId: string, enrolledAt: string, activatedAt: string | null): Promise<void> {
  await ds.query(
    `INSERT INTO mobile_enrolment (customer_id, source_system, source_key, enrolled_at, activated_at, transfer_limit, devices)
     VALUES ($1, 'mobile-banking', $2, $3, $4, '5000.00', '{ios}')`,
    [customerId, `MB-T${next()}`, enrolledAt, activatedAt],
  );
}

export async function createSession(ds: DataSource, customerId: string, startedAt: string, features: string[] = ['balance']): Promise<void> {
  await ds.query(
    `INSERT INTO mobile_session (customer_id, source_system, source_key, started_at, duration_seconds, features_used)
     VALUES ($1, 'mobile-banking', $2, $3, 120, $4)`,
    [customerId, `MS-T${next()}`, startedAt, features],
  );
}
