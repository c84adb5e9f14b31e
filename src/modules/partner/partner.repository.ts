import { DataSource } from 'typeorm';
import { readQuery } from '../../database/read-routing';
import { groupInKeyOrder } from '../../common/grouped-loader';
import { Page } from '../../common/pagination';
import { keyset, lateralPages, Paged, pageRowNumber, SqlParams } from '../../database/sql';

export interface PartnerRow {
  id: string;
  code: string;
  name: string;
  industry: string;
  coBrandedProduct: string | null;
}

export interface PurchaseRow {
  customerId: string;
  id: string;
  partnerId: string;
  purchasedAt: Date;
  amount: string;
  currency: string;
  category: string | null;
  merchantCategoryCode: string | null;
  __sort?: string | null;
}

export interface PurchaseListOptions {
  partnerCode?: string | null;
  partnerId?: string | null;
  from?: Date | null;
  to?: Date | null;
}

const PARTNER_COLUMNS = `p.id, p.code, p.name, p.industry, p.co_branded_product AS "coBrandedProduct"`;
const PURCHASE_COLUMNS = `pp.customer_id AS "customerId", pp.id, pp.partner_id AS "partnerId", pp.purchased_at AS "purchasedAt",
  pp.amount, pp.currency, pp.category, pp.merchant_category_code AS "merchantCategoryCode"`;

function purchaseConditions(options: PurchaseListOptions, params: SqlParams): string {
  const conds = ['pp.customer_id = k.customer_id'];
  if (options.partnerCode != null) {
    conds.push(`pp.partner_id = (SELECT p.id FROM partner p WHERE p.code = ${params.add(options.partnerCode, 'text')})`);
  }
  if (options.partnerId != null) conds.push(`pp.partner_id = ${params.add(options.partnerId, 'bigint')}`);
  if (options.from) conds.push(`pp.purchased_at >= ${params.add(options.from.toISOString(), 'timestamptz')}`);
  if (options.to) conds.push(`pp.purchased_at < ${params.add(options.to.toISOString(), 'timestamptz')}`);
  return conds.join(' AND ');
}

export class PartnerRepository {
  constructor(private readonly dataSource: DataSource) {}

  async findAll(): Promise<PartnerRow[]> {
    return readQuery(this.dataSource, `SELECT ${PARTNER_COLUMNS} FROM partner p ORDER BY p.code`);
  }

  async findByIds(ids: readonly string[]): Promise<PartnerRow[]> {
    return readQuery(this.dataSource, `SELECT ${PARTNER_COLUMNS} FROM partner p WHERE p.id = ANY($1::bigint[])`, [ids]);
  }

  async purchasesByKeys(keys: readonly { customerId: string; id: string }[]): Promise<PurchaseRow[]> {
    return readQuery(this.dataSource, 
      `SELECT ${PURCHASE_COLUMNS}
         FROM unnest($1::bigint[], $2::bigint[]) AS k(customer_id, id)
         JOIN partner_purchase pp ON pp.customer_id = k.customer_id AND pp.id = k.id`,
      [keys.map((k) => k.customerId), keys.map((k) => k.id)],
    );
  }

  async purchasePages(customerIds: string[], options: PurchaseListOptions, page: Page): Promise<PurchaseRow[][]> {
    const params = new SqlParams();
    const ids = params.add(customerIds, 'bigint[]');
    const ks = keyset({ column: 'pp.purchased_at', cast: 'timestamptz', idColumn: 'pp.id', descending: true }, page, params);
    const inner = `SELECT ${PURCHASE_COLUMNS}, ${ks.sortSelect}, ${pageRowNumber(ks.orderBy)}
                     FROM partner_purchase pp
                    WHERE ${purchaseConditions(options, params)} AND ${ks.where}
                    ORDER BY ${ks.orderBy} LIMIT ${ks.limit}`;
    const rows: Paged<PurchaseRow>[] = await readQuery(this.dataSource, 
      lateralPages(`unnest(${ids}) WITH ORDINALITY AS k(customer_id, i)`, inner),
      params.values,
    );
    return groupInKeyOrder(customerIds.length, rows, (r) => r.__i - 1);
  }

  async purchaseCounts(customerIds: string[], options: PurchaseListOptions): Promise<number[]> {
    const params = new SqlParams();
    const ids = params.add(customerIds, 'bigint[]');
    const rows: { n: number }[] = await readQuery(this.dataSource, 
      `SELECT (SELECT count(*)::int FROM partner_purchase pp WHERE ${purchaseConditions(options, params)}) AS n
         FROM unnest(${ids}) WITH ORDINALITY AS k(customer_id, i) ORDER BY k.i`,
      params.values,
    );
    return rows.map((r) => r.n);
  }
}
