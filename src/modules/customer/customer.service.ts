import { badInput } from '../../common/errors';
import { localIdOf, toGlobalId } from '../../common/global-id';
import { ConnectionData, PageArgs, toConnection, toPage } from '../../common/pagination';
import { CustomerLoaders } from './customer.loaders';
import { AccessPolicy } from '../access/access-policy';
import { CustomerRepository, CustomerRow, CustomerSortField, CustomerVisibility, MergeRow, SourceRow } from './customer.repository';
import { CustomerFilter } from './dto/customer-filter.input';

export const CUSTOMER_TYPE = 'Customer';

/** A customer as the API shows it: `id` is the global id, `localId` the database key. */
export type CustomerView = Omit<CustomerRow, 'id'> & { id: string; localId: string };

export function toCustomerView(row: CustomerRow): CustomerView {
  return { ...row, id: toGlobalId(CUSTOMER_TYPE, row.id), localId: row.id };
}

export interface CustomerListArgs extends PageArgs {
  filter?: CustomerFilter | null;
  orderBy?: { field: CustomerSortField; direction: 'ASC' | 'DESC' } | null;
  /** The clock relative filters (activity windows, age) read; defaults to the current time. */
  now?: Date | null;
}

export class CustomerService {
  constructor(
    private readonly repo: CustomerRepository,
    private readonly loaders: CustomerLoaders,
    private readonly access: AccessPolicy,
  ) {}

  async getById(globalId: string): Promise<CustomerView | null> {
    return this.getByLocalId(localIdOf(globalId, CUSTOMER_TYPE));
  }

  async getByLocalId(localId: string): Promise<CustomerView | null> {
    // A customer a partner has no live consent for does not exist for that partner.
    const [row, visible] = await Promise.all([this.loaders.customerByIdLoader.load(localId), this.access.canSeeCustomer(localId)]);
    return row && visible ? toCustomerView(row) : null;
  }

  async getBySource(system: string, key: string): Promise<CustomerView | null> {
    if (!system.trim()) throw badInput('system', 'system must not be empty');
    if (!key.trim()) throw badInput('key', 'key must not be empty');
    const id = await this.repo.findIdBySource(system, key);
    return id ? this.getByLocalId(id) : null;
  }

  async list(args: CustomerListArgs): Promise<ConnectionData<CustomerView>> {
    const page = toPage(args);
    this.access.checkPartnerFilter(args.filter);
    const visibility = this.visibility(args.filter);
    const field = args.orderBy?.field ?? 'ID';
    const now = args.now ?? new Date();
    const rows = await this.repo.findPage(args.filter, now, field, args.orderBy?.direction === 'DESC', page, visibility);
    const connection = toConnection(rows, page, () => this.repo.count(args.filter, now, visibility));
    return { ...connection, edges: connection.edges.map((e) => ({ cursor: e.cursor, node: toCustomerView(e.node) })) };
  }

  /** For partners: only consenting customers, and only those whose consent covers PROFILE when filtering. */
  private visibility(filter: CustomerFilter | null | undefined): CustomerVisibility | null {
    const partnerId = this.access.partnerRestriction;
    if (!partnerId) return null;
    const filtering = filter != null && Object.values(filter).some((v) => v != null);
    return { partnerId, requiredScope: filtering ? 'PROFILE' : null };
  }

  async merges(customerLocalId: string): Promise<MergeRow[]> {
    return this.repo.mergesOf(customerLocalId);
  }

  async sources(customer: CustomerView): Promise<SourceRow[]> {
    return this.loaders.sourcesByCustomerIdLoader.load(customer.localId);
  }
}
