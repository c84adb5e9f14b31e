import { DataSource } from 'typeorm';
import { readQuery } from '../../database/read-routing';
import { groupInKeyOrder } from '../../common/grouped-loader';
import { Page } from '../../common/pagination';
import { keyset, lateralPages, Paged, pageRowNumber, SqlParams } from '../../database/sql';

export interface EnrolmentRow {
  customerId: string;
  enrolledAt: Date;
  activatedAt: Date | null;
  activated: boolean;
  transferLimit: string;
  devices: string[];
  lastLoginAt: Date | null;
}

export interface SessionRow {
  customerId: string;
  id: string;
  startedAt: Date;
  durationSeconds: number;
  featuresUsed: string[];
  __sort?: string | null;
}

const SESSION_COLUMNS = `s.customer_id AS "customerId", s.id, s.started_at AS "startedAt", s.duration_seconds AS "durationSeconds",
  s.features_used AS "featuresUsed"`;

export class MobileBankingRepository {
  constructor(private readonly dataSource: DataSource) {}

  async enrolmentsByCustomerIds(customerIds: readonly string[]): Promise<EnrolmentRow[]> {
    // lastLoginAt: the newest session, found through the (customer_id, started_at DESC) index.
    return readQuery(this.dataSource, 
      `SELECT e.customer_id AS "customerId", e.enrolled_at AS "enrolledAt", e.activated_at AS "activatedAt",
              e.activated_at IS NOT NULL AS activated, e.transfer_limit AS "transferLimit", e.devices,
              (SELECT max(s.started_at) FROM mobile_session s WHERE s.customer_id = e.customer_id) AS "lastLoginAt"
         FROM mobile_enrolment e
        WHERE e.customer_id = ANY($1::bigint[])`,
      [customerIds],
    );
  }

  async sessionPages(customerIds: string[], page: Page): Promise<SessionRow[][]> {
    const params = new SqlParams();
    const ids = params.add(customerIds, 'bigint[]');
    const ks = keyset({ column: 's.started_at', cast: 'timestamptz', idColumn: 's.id', descending: true }, page, params);
    const inner = `SELECT ${SESSION_COLUMNS}, ${ks.sortSelect}, ${pageRowNumber(ks.orderBy)}
                     FROM mobile_session s
                    WHERE s.customer_id = k.customer_id AND ${ks.where}
                    ORDER BY ${ks.orderBy} LIMIT ${ks.limit}`;
    const rows: Paged<SessionRow>[] = await readQuery(this.dataSource, 
      lateralPages(`unnest(${ids}) WITH ORDINALITY AS k(customer_id, i)`, inner),
      params.values,
    );
    return groupInKeyOrder(customerIds.length, rows, (r) => r.__i - 1);
  }

  async sessionCounts(customerIds: string[]): Promise<number[]> {
    const rows: { n: number }[] = await readQuery(this.dataSource, 
      `SELECT (SELECT count(*)::int FROM mobile_session s WHERE s.customer_id = k.customer_id) AS n
         FROM unnest($1::bigint[]) WITH ORDINALITY AS k(customer_id, i) ORDER BY k.i`,
      [customerIds],
    );
    return rows.map((r) => r.n);
  }
}
