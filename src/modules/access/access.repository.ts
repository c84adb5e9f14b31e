import { DataSource, EntityManager } from 'typeorm';
import { ConsentScope, Role } from './principal';

export interface ApiKeyRow {
  id: string;
  name: string;
  role: Role;
  partnerId: string | null;
  partnerCode: string | null;
  scopes: string[];
  keyPrefix: string;
  keyHash: string;
  createdAt: Date;
  expiresAt: Date | null;
  revokedAt: Date | null;
  lastUsedAt: Date | null;
  rotatedFromId: string | null;
}

export interface ConsentRow {
  customerId: string;
  id: string;
  partnerId: string;
  partnerCode: string;
  purpose: string;
  scopes: ConsentScope[];
  grantedAt: Date;
  expiresAt: Date | null;
  revokedAt: Date | null;
}

export interface AuditRecord {
  requestId: string;
  apiKeyId: string | null;
  role: string;
  partnerId: string | null;
  operationName: string | null;
  documentHash: string | null;
  customerIds: string[];
  fields: string[];
  piiAccessed: boolean;
  outcome: 'SUCCESS' | 'PARTIAL' | 'ERROR' | 'REJECTED';
  errorCodes: string[];
  at: Date;
}

export interface AuditRow extends AuditRecord {
  id: string;
}

const KEY_COLUMNS = `k.id, k.name, k.role, k.partner_id AS "partnerId", p.code AS "partnerCode", k.scopes, k.key_prefix AS "keyPrefix",
  k.key_hash AS "keyHash", k.created_at AS "createdAt", k.expires_at AS "expiresAt", k.revoked_at AS "revokedAt",
  k.last_used_at AS "lastUsedAt", k.rotated_from_id AS "rotatedFromId"`;

const CONSENT_COLUMNS = `c.customer_id AS "customerId", c.id, c.partner_id AS "partnerId", p.code AS "partnerCode", c.purpose, c.scopes,
  c.granted_at AS "grantedAt", c.expires_at AS "expiresAt", c.revoked_at AS "revokedAt"`;

/** SQL for keys, consent, the audit trail and persisted operations. */
export class AccessRepository {
  constructor(private readonly dataSource: DataSource) {}

  async insertKey(
    m: EntityManager | DataSource,
    key: { name: string; role: Role; partnerId: string | null; scopes: string[]; keyPrefix: string; keyHash: string; expiresAt: Date | null; rotatedFromId: string | null },
  ): Promise<string> {
    const [row] = await m.query(
      `INSERT INTO api_key (name, role, partner_id, scopes, key_prefix, key_hash, expires_at, rotated_from_id)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
      [key.name, key.role, key.partnerId, key.scopes, key.keyPrefix, key.keyHash, key.expiresAt, key.rotatedFromId],
    );
    return row.id;
  }

  async keyByPrefix(prefix: string): Promise<ApiKeyRow | null> {
    const rows = await this.dataSource.query(`SELECT ${KEY_COLUMNS} FROM api_key k LEFT JOIN partner p ON p.id = k.partner_id WHERE k.key_prefix = $1`, [prefix]);
    return rows[0] ?? null;
  }

  async keyById(id: string): Promise<ApiKeyRow | null> {
    const rows = await this.dataSource.query(`SELECT ${KEY_COLUMNS} FROM api_key k LEFT JOIN partner p ON p.id = k.partner_id WHERE k.id = $1`, [id]);
    return rows[0] ?? null;
  }

  async listKeys(): Promise<ApiKeyRow[]> {
    return this.dataSource.query(`SELECT ${KEY_COLUMNS} FROM api_key k LEFT JOIN partner p ON p.id = k.partner_id ORDER BY k.id`);
  }

  async revokeKey(m: EntityManager | DataSource, id: string, at: Date): Promise<boolean> {
    // TypeORM answers UPDATE ... RETURNING with [rows, affectedCount].
    const [, affected] = await m.query(`UPDATE api_key SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL`, [id, at]);
    return affected > 0;
  }

  /** Shortens a key's life (rotation overlap): never lengthens it. */
  async expireKeyBy(m: EntityManager | DataSource, id: string, at: Date): Promise<void> {
    await m.query(`UPDATE api_key SET expires_at = LEAST(COALESCE(expires_at, $2), $2) WHERE id = $1`, [id, at]);
  }

  async touchKey(id: string, at: Date): Promise<void> {
    // At most one write per key a minute: lastUsedAt is for humans, not for counting requests.
    await this.dataSource.query(
      `UPDATE api_key SET last_used_at = $2 WHERE id = $1 AND (last_used_at IS NULL OR last_used_at < $2::timestamptz - interval '1 minute')`,
      [id, at],
    );
  }

  async partnerIdByCode(code: string): Promise<string | null> {
    const rows = await this.dataSource.query(`SELECT id FROM partner WHERE code = $1`, [code]);
    return rows[0]?.id ?? null;
  }

  async insertConsent(
    m: EntityManager | DataSource,
    c: { customerId: string; partnerId: string; purpose: string; scopes: string[]; grantedAt: Date; expiresAt: Date | null },
  ): Promise<ConsentRow> {
    const [row] = await m.query(
      `WITH ins AS (
         INSERT INTO consent (customer_id, partner_id, purpose, scopes, granted_at, expires_at)
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING *)
       SELECT ${CONSENT_COLUMNS} FROM ins c JOIN partner p ON p.id = c.partner_id`,
      [c.customerId, c.partnerId, c.purpose, c.scopes, c.grantedAt, c.expiresAt],
    );
    return row;
  }

  async revokeConsents(m: EntityManager | DataSource, customerId: string, partnerId: string, at: Date): Promise<number> {
    // TypeORM answers UPDATE with [rows, affectedCount].
    const [, affected] = await m.query(
      `UPDATE consent SET revoked_at = $3 WHERE customer_id = $1 AND partner_id = $2 AND revoked_at IS NULL`,
      [customerId, partnerId, at],
    );
    return affected;
  }

  /** Live consents of one partner for many customers: union of their scopes per customer. */
  async liveConsentScopes(partnerId: string, customerIds: readonly string[], at: Date): Promise<{ customerId: string; scopes: ConsentScope[] }[]> {
    return this.dataSource.query(
      `SELECT c.customer_id AS "customerId", array_agg(DISTINCT s) AS scopes
         FROM consent c CROSS JOIN LATERAL unnest(c.scopes) AS s
        WHERE c.partner_id = $1 AND c.customer_id = ANY($2::bigint[])
          AND c.revoked_at IS NULL AND c.granted_at <= $3 AND (c.expires_at IS NULL OR c.expires_at > $3)
        GROUP BY c.customer_id`,
      [partnerId, customerIds, at],
    );
  }

  async consentsOfCustomer(customerId: string): Promise<ConsentRow[]> {
    return this.dataSource.query(
      `SELECT ${CONSENT_COLUMNS} FROM consent c JOIN partner p ON p.id = c.partner_id WHERE c.customer_id = $1 ORDER BY c.granted_at, c.id`,
      [customerId],
    );
  }

  async insertAudit(records: AuditRecord[]): Promise<void> {
    if (records.length === 0) return;
    // One multi-row INSERT for a whole batch: arrays of columns, unnested in SQL.
    await this.dataSource.query(
      `INSERT INTO audit_log (at, request_id, api_key_id, role, partner_id, operation_name, document_hash, customer_ids, fields, pii_accessed, outcome, error_codes)
       SELECT r.at, r.request_id, r.api_key_id, r.role, r.partner_id, r.operation_name, r.document_hash,
              ARRAY(SELECT jsonb_array_elements_text(r.customer_ids))::bigint[], ARRAY(SELECT jsonb_array_elements_text(r.fields)),
              r.pii_accessed, r.outcome, ARRAY(SELECT jsonb_array_elements_text(r.error_codes))
         FROM jsonb_to_recordset($1::jsonb) AS r(at timestamptz, request_id uuid, api_key_id bigint, role text, partner_id bigint,
              operation_name text, document_hash text, customer_ids jsonb, fields jsonb, pii_accessed boolean, outcome text, error_codes jsonb)`,
      [
        JSON.stringify(
          records.map((r) => ({
            at: r.at.toISOString(),
            request_id: r.requestId,
            api_key_id: r.apiKeyId,
            role: r.role,
            partner_id: r.partnerId,
            operation_name: r.operationName,
            document_hash: r.documentHash,
            customer_ids: r.customerIds,
            fields: r.fields,
            pii_accessed: r.piiAccessed,
            outcome: r.outcome,
            error_codes: r.errorCodes,
          })),
        ),
      ],
    );
  }

  async findAudit(filter: { apiKeyId?: string | null; customerId?: string | null; from?: Date | null; to?: Date | null; piiOnly?: boolean | null }, limit: number): Promise<AuditRow[]> {
    return this.dataSource.query(
      `SELECT id, at, request_id AS "requestId", api_key_id AS "apiKeyId", role, partner_id AS "partnerId", operation_name AS "operationName",
              document_hash AS "documentHash", customer_ids::text[] AS "customerIds", fields, pii_accessed AS "piiAccessed", outcome,
              error_codes AS "errorCodes"
         FROM audit_log
        WHERE ($1::bigint IS NULL OR api_key_id = $1)
          AND ($2::bigint IS NULL OR customer_ids @> ARRAY[$2::bigint])
          AND ($3::timestamptz IS NULL OR at >= $3)
          AND ($4::timestamptz IS NULL OR at < $4)
          AND (NOT $5::boolean OR pii_accessed)
        ORDER BY at DESC, id DESC
        LIMIT $6`,
      [filter.apiKeyId ?? null, filter.customerId ?? null, filter.from ?? null, filter.to ?? null, filter.piiOnly ?? false, limit],
    );
  }

  async persistedOperation(id: string): Promise<{ id: string; name: string; document: string } | null> {
    const rows = await this.dataSource.query(`SELECT id, name, document FROM persisted_operation WHERE id = $1`, [id]);
    return rows[0] ?? null;
  }

  async upsertPersistedOperation(id: string, name: string, document: string): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO persisted_operation (id, name, document) VALUES ($1, $2, $3) ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name`,
      [id, name, document],
    );
  }
}
