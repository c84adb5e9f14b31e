import { DataSource } from 'typeorm';
import { readQuery } from '../../database/read-routing';
import { Page } from '../../common/pagination';
import { keyset, KeysetSort, SqlParams } from '../../database/sql';
import { CustomerFilter } from './dto/customer-filter.input';
import { compileCustomerFilter } from './filter/customer-filter.compiler';

export interface CustomerRow {
  id: string;
  fullName: string;
  birthDate: string | null;
  age: number | null;
  gender: string | null;
  occupation: string | null;
  incomeBand: string | null;
  city: string | null;
  region: string | null;
  interests: string[];
  homeBranchId: string | null;
  email: string | null;
  phone: string | null;
  createdAt: Date;
  updatedAt: Date;
  __sort?: string | null;
}

export interface MergeRow {
  id: string;
  mergedCustomerId: string;
  matchRule: string;
  triggerSourceSystem: string | null;
  triggerSourceKey: string | null;
  mergedAt: Date;
  unmergedAt: Date | null;
}

export interface SourceRow {
  customerId: string;
  system: string;
  key: string;
  matchRule: string;
  firstSeenAt: Date;
  lastSeenAt: Date;
}

const CUSTOMER_COLUMNS = `
  c.id, c.full_name AS "fullName", c.birth_date AS "birthDate",
  date_part('year', age(c.birth_date))::int AS age, c.gender, c.occupation, c.income_band AS "incomeBand",
  c.city, c.region, c.interests, c.home_branch_id AS "homeBranchId", c.email, c.phone,
  c.created_at AS "createdAt", c.updated_at AS "updatedAt"`;

/** Restricts a list to the customers with a live consent for a partner (and a scope, if given). */
export interface CustomerVisibility {
  partnerId: string;
  requiredScope: string | null;
}

function visibilityCondition(visibility: CustomerVisibility | null | undefined, params: SqlParams): string {
  if (!visibility) return 'TRUE';
  const scope = visibility.requiredScope ? ` AND cs.scopes @> ARRAY[${params.add(visibility.requiredScope, 'text')}]` : '';
  return `EXISTS (SELECT 1 FROM consent cs WHERE cs.customer_id = c.id AND cs.partner_id = ${params.add(visibility.partnerId, 'bigint')}
            AND cs.revoked_at IS NULL AND cs.granted_at <= now() AND (cs.expires_at IS NULL OR cs.expires_at > now())${scope})`;
}

export type CustomerSortField = 'ID' | 'FULL_NAME' | 'CREATED_AT';

const SORT_COLUMNS: Record<CustomerSortField, { column: string | null; cast: string }> = {
  ID: { column: null, cast: 'bigint' },
  FULL_NAME: { column: 'c.full_name', cast: 'text' },
  CREATED_AT: { column: 'c.created_at', cast: 'timestamptz' },
};

/** SQL for customers. Reads map rows straight to plain objects (no entity hydration on the read path). */
export class CustomerRepository {
  constructor(private readonly dataSource: DataSource) {}

  async findByIds(ids: readonly string[]): Promise<CustomerRow[]> {
    return readQuery(this.dataSource, `SELECT ${CUSTOMER_COLUMNS} FROM customer c WHERE c.id = ANY($1::bigint[])`, [ids]);
  }

  async findIdBySource(system: string, key: string): Promise<string | null> {
    const rows = await readQuery(this.dataSource, 
      `SELECT customer_id AS "customerId" FROM customer_source WHERE source_system = $1 AND source_key = $2`,
      [system, key],
    );
    return rows[0]?.customerId ?? null;
  }

  async findPage(
    filter: CustomerFilter | null | undefined,
    now: Date,
    sortField: CustomerSortField,
    descending: boolean,
    page: Page,
    visibility?: CustomerVisibility | null,
  ): Promise<CustomerRow[]> {
    const params = new SqlParams();
    const where = `${compileCustomerFilter(filter, params, { now })} AND ${visibilityCondition(visibility, params)}`;
    const sort: KeysetSort = { ...SORT_COLUMNS[sortField], idColumn: 'c.id', descending };
    const ks = keyset(sort, page, params);
    return readQuery(this.dataSource, 
      `SELECT ${CUSTOMER_COLUMNS}, ${ks.sortSelect}
         FROM customer c
        WHERE ${where} AND ${ks.where}
        ORDER BY ${ks.orderBy}
        LIMIT ${ks.limit}`,
      params.values,
    );
  }

  async count(filter: CustomerFilter | null | undefined, now: Date, visibility?: CustomerVisibility | null): Promise<number> {
    const params = new SqlParams();
    const where = `${compileCustomerFilter(filter, params, { now })} AND ${visibilityCondition(visibility, params)}`;
    const [row] = await readQuery(this.dataSource, `SELECT count(*)::int AS n FROM customer c WHERE ${where}`, params.values);
    return row.n;
  }

  async mergesOf(customerId: string): Promise<MergeRow[]> {
    return readQuery(
      this.dataSource,
      `SELECT id, merged_customer_id AS "mergedCustomerId", match_rule AS "matchRule", trigger_source_system AS "triggerSourceSystem",
              trigger_source_key AS "triggerSourceKey", merged_at AS "mergedAt", unmerged_at AS "unmergedAt"
         FROM customer_merge WHERE customer_id = $1 ORDER BY merged_at DESC, id DESC`,
      [customerId],
    );
  }

  async sourcesByCustomerIds(customerIds: readonly string[]): Promise<SourceRow[]> {
    return readQuery(this.dataSource, 
      `SELECT customer_id AS "customerId", source_system AS system, source_key AS key, match_rule AS "matchRule",
              first_seen_at AS "firstSeenAt", last_seen_at AS "lastSeenAt"
         FROM customer_source
        WHERE customer_id = ANY($1::bigint[])
        ORDER BY customer_id, first_seen_at, id`,
      [customerIds],
    );
  }
}
