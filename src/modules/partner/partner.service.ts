import { badInput } from '../../common/errors';
import { ownedLocalId, toGlobalId } from '../../common/global-id';
import { ConnectionData, PageArgs, toConnection, toPage } from '../../common/pagination';
import { AccessPolicy } from '../access/access-policy';
import { PartnerLoaders } from './partner.loaders';
import { PartnerRepository, PartnerRow, PurchaseListOptions, PurchaseRow } from './partner.repository';

export const PARTNER_TYPE = 'Partner';
export const PARTNER_PURCHASE_TYPE = 'PartnerPurchase';

export type PartnerView = Omit<PartnerRow, 'id'> & { id: string; localId: string };
export type PurchaseView = Omit<PurchaseRow, 'id'> & { id: string; localId: string };

export const toPartnerView = (row: PartnerRow): PartnerView => ({ ...row, id: toGlobalId(PARTNER_TYPE, row.id), localId: row.id });
export const toPurchaseView = (row: PurchaseRow): PurchaseView => ({
  ...row,
  id: toGlobalId(PARTNER_PURCHASE_TYPE, ownedLocalId(row.customerId, row.id)),
  localId: row.id,
});

export interface PurchasesQuery extends PageArgs, PurchaseListOptions {}

export class PartnerService {
  constructor(
    private readonly repo: PartnerRepository,
    private readonly loaders: PartnerLoaders,
    private readonly access: AccessPolicy,
  ) {}

  async all(): Promise<PartnerView[]> {
    return (await this.repo.findAll()).map(toPartnerView);
  }

  async byLocalId(id: string): Promise<PartnerView | null> {
    const row = await this.loaders.partnerByIdLoader.load(id);
    return row ? toPartnerView(row) : null;
  }

  async purchasesOf(customerLocalId: string, query: PurchasesQuery): Promise<ConnectionData<PurchaseView>> {
    const page = toPage(query);
    if (query.from && query.to && query.from >= query.to) throw badInput('to', 'to must be after from');
    const options: PurchaseListOptions = {
      partnerCode: query.partnerCode ?? null,
      // A partner sees its own purchases only, whatever it asks for.
      partnerId: this.access.partnerRestriction,
      from: query.from ?? null,
      to: query.to ?? null,
    };
    const rows = await this.loaders.purchasePageByCustomerLoader.load({ parent: customerLocalId, args: { options, page } });
    const connection = toConnection([...rows], page, () =>
      this.loaders.purchaseCountByCustomerLoader.load({ parent: customerLocalId, args: options }),
    );
    return { ...connection, edges: connection.edges.map((e) => ({ cursor: e.cursor, node: toPurchaseView(e.node) })) };
  }

  async purchase(key: { customerId: string; id: string }): Promise<PurchaseView | null> {
    const [row] = await this.repo.purchasesByKeys([key]);
    const restriction = this.access.partnerRestriction;
    if (!row || (restriction && row.partnerId !== restriction)) return null;
    return toPurchaseView(row);
  }
}
