import { badInput, DomainException, ErrorCode, notFound } from '../../common/errors';
import { localIdOf, toGlobalId } from '../../common/global-id';
import { ConnectionData, PageArgs, toConnection, toPage } from '../../common/pagination';
import { SqlParams } from '../../database/sql';
import { CUSTOMER_TYPE, CustomerView } from '../customer/customer.service';
import {
  explainCustomerFilter,
  ExplainKind,
  FilterInput,
  segmentReferences,
  toStoredFilter,
  validateCustomerFilter,
} from '../customer/filter/customer-filter.compiler';
import { SEGMENT_KEY } from '../customer/filter/membership.fields';
import { findCycle, SegmentNode, validateStoredDefinition } from './segment-dependencies';
import { RefreshOptions, RefreshResult, SegmentRefreshService } from './segment-refresh.service';
import { SegmentLoaders } from './segment.loaders';
import { MemberRow, SegmentRepository, SegmentRow, SegmentTransaction, TimeRange, TransitionKind, TransitionRow } from './segment.repository';

export type SegmentView = SegmentRow;

export interface MembershipView {
  segment: SegmentView;
  since: Date;
}

export const SEGMENT_TRANSITION_TYPE = 'SegmentTransition';

export interface TransitionView {
  id: string;
  kind: TransitionKind;
  at: Date;
  customerLocalId: string;
  segmentId: string;
}

export interface MemberView {
  node: CustomerView;
  since: Date;
}

export interface SegmentInput {
  key: string;
  name: string;
  description?: string | null;
  filter: FilterInput;
}

export interface SegmentPatch {
  name?: string | null;
  description?: string | null;
  filter?: FilterInput | null;
}

export interface ConditionView {
  path: string;
  kind: ExplainKind;
  field: string | null;
  condition: unknown;
  held: boolean;
  actual: unknown;
}

export interface MembershipExplanationView {
  segment: SegmentView;
  customer: CustomerView;
  asOf: Date;
  /** The definition holds for the customer at asOf. */
  matches: boolean;
  /** The customer is a member as of the last refresh. */
  member: boolean;
  since: Date | null;
  conditions: ConditionView[];
}

export interface TransitionArgs extends PageArgs {
  from?: Date | null;
  to?: Date | null;
}

/** What segments need from customers: the per-request (access-checked, batched) lookup. */
export interface CustomerLookup {
  getByLocalId(localId: string): Promise<CustomerView | null>;
}

const MAX_NAME = 200;
const MAX_DESCRIPTION = 2000;

function toTransitionView(row: TransitionRow): TransitionView {
  return { id: toGlobalId(SEGMENT_TRANSITION_TYPE, `${row.customerId}.${row.id}`), kind: row.kind, at: row.at, customerLocalId: row.customerId, segmentId: row.segmentId };
}

export class SegmentService {
  constructor(
    private readonly repo: SegmentRepository,
    private readonly loaders: SegmentLoaders,
    private readonly refresher: SegmentRefreshService,
    private readonly customers: CustomerLookup,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  async list(): Promise<SegmentView[]> {
    const rows = await this.repo.list();
    for (const row of rows) {
      this.loaders.segmentByKeyLoader.prime(row.key, row);
      this.loaders.segmentByIdLoader.prime(row.id, row);
    }
    return rows;
  }

  async byKey(key: string): Promise<SegmentView | null> {
    if (!SEGMENT_KEY.test(key)) return null;
    return this.loaders.segmentByKeyLoader.load(key);
  }

  async byId(id: string): Promise<SegmentView | null> {
    return this.loaders.segmentByIdLoader.load(id);
  }

  private async require(key: string, field = 'key'): Promise<SegmentView> {
    if (!SEGMENT_KEY.test(key)) throw badInput(field, `"${key}" is not a segment key (lower-case letters, digits and dashes)`);
    const segment = await this.loaders.segmentByKeyLoader.load(key);
    if (!segment) throw notFound('segment', key);
    return segment;
  }

  /** Validates a definition and its references; returns it as stored JSON. */
  private async checkDefinition(filter: FilterInput, path: string, selfKey: string, others: () => Promise<SegmentView[]>): Promise<Record<string, unknown>> {
    const definition = toStoredFilter(filter);
    validateCustomerFilter(definition, path);
    const refs = segmentReferences(definition, path);
    const self = refs.find((r) => r.key === selfKey);
    if (self) throw badInput(self.path, `a segment cannot refer to itself ("${selfKey}")`);
    if (refs.length > 0) {
      const found = await this.loaders.segmentByKeyLoader.loadMany(refs.map((r) => r.key));
      const missing = refs.find((_, i) => !(found[i] && !(found[i] instanceof Error)));
      if (missing) throw badInput(missing.path, `unknown segment "${missing.key}"`);
      // The graph as it would be with this definition in place.
      const graph: SegmentNode[] = (await others()).filter((s) => s.key !== selfKey);
      graph.push({ id: 'new', key: selfKey, definition });
      const cycle = findCycle(graph);
      if (cycle) throw badInput(refs[0].path, `segments would depend on each other: ${cycle}`);
    }
    return definition;
  }

  private checkText(name: string | null | undefined, description: string | null | undefined, prefix: string): void {
    if (name != null && (!name.trim() || name.length > MAX_NAME)) throw badInput(`${prefix}.name`, `name must be 1 to ${MAX_NAME} characters`);
    if (description != null && description.length > MAX_DESCRIPTION) {
      throw badInput(`${prefix}.description`, `description must be at most ${MAX_DESCRIPTION} characters`);
    }
  }

  /** Creates the segment and computes its members at once (one transaction), so size is right away. */
  async create(input: SegmentInput, now?: Date | null): Promise<SegmentView> {
    if (!SEGMENT_KEY.test(input.key)) throw badInput('input.key', 'key must be lower-case letters, digits and dashes, starting with a letter (at most 63)');
    this.checkText(input.name, input.description, 'input');
    const definition = await this.checkDefinition(input.filter ?? {}, 'input.filter', input.key, () => this.repo.list());
    const asOf = now ?? this.clock();
    const created = await this.repo.inTransaction(async (tx) => {
      const row = await tx.insert({ key: input.key, name: input.name.trim(), description: input.description ?? '', definition });
      if (!row) throw new DomainException(`a segment with key "${input.key}" already exists`, ErrorCode.CONFLICT, { field: 'input.key' });
      return this.refreshOne(tx, row, asOf);
    });
    return this.fresh(created);
  }

  async update(key: string, patch: SegmentPatch, now?: Date | null): Promise<SegmentView> {
    const segment = await this.require(key);
    if (segment.builtIn) {
      throw new DomainException(`"${key}" is a built-in segment and cannot be changed; create a segment of your own instead`, ErrorCode.FORBIDDEN, { field: 'key' });
    }
    this.checkText(patch.name, patch.description, 'input');
    const definition = patch.filter != null ? await this.checkDefinition(patch.filter, 'input.filter', key, () => this.repo.list()) : segment.definition;
    const asOf = now ?? this.clock();
    const updated = await this.repo.inTransaction(async (tx) => {
      const row = await tx.update(segment.id, {
        name: patch.name?.trim() ?? segment.name,
        description: patch.description ?? segment.description,
        definition,
      });
      // Only a new definition changes who is in; a rename keeps the members and their history.
      return patch.filter != null ? this.refreshOne(tx, row, asOf) : row;
    });
    return this.fresh(updated);
  }

  async delete(key: string): Promise<boolean> {
    const segment = await this.require(key);
    if (segment.builtIn) {
      throw new DomainException(`"${key}" is a built-in segment and cannot be deleted`, ErrorCode.FORBIDDEN, { field: 'key' });
    }
    const users = (await this.repo.list()).filter((s) => s.key !== key && segmentReferences(s.definition).some((r) => r.key === key));
    if (users.length > 0) {
      const names = users.map((s) => `"${s.key}"`).join(', ');
      throw new DomainException(`segment "${key}" is used by ${names}; change those first`, ErrorCode.CONFLICT, { field: 'key', usedBy: users.map((s) => s.key) });
    }
    await this.repo.delete(segment.id);
    this.loaders.segmentByKeyLoader.clear(key);
    return true;
  }

  async refreshAll(options: RefreshOptions = {}): Promise<RefreshResult> {
    const result = await this.refresher.refreshAll({ ...options, now: options.now ?? this.clock() });
    this.loaders.segmentByKeyLoader.clearAll();
    this.loaders.segmentByIdLoader.clearAll();
    this.loaders.sizeBySegmentIdLoader.clearAll();
    return result;
  }

  private async refreshOne(tx: SegmentTransaction, row: SegmentRow, asOf: Date): Promise<SegmentRow> {
    const refreshId = await tx.startRefresh(asOf);
    const counts = await tx.refreshSegment(row, asOf, refreshId);
    await tx.finishRefresh(refreshId, { segments: 1, entered: counts.entered, exited: counts.exited });
    return { ...row, refreshedAt: asOf };
  }

  private fresh(row: SegmentRow): SegmentView {
    for (const loader of [this.loaders.segmentByKeyLoader, this.loaders.segmentByIdLoader]) loader.clearAll();
    this.loaders.sizeBySegmentIdLoader.clear(row.id);
    this.loaders.segmentByKeyLoader.prime(row.key, row);
    return row;
  }

  size(segment: SegmentView): Promise<number> {
    return this.loaders.sizeBySegmentIdLoader.load(segment.id);
  }

  async members(segment: SegmentView, args: PageArgs): Promise<ConnectionData<MemberView>> {
    const page = toPage(args);
    const rows: MemberRow[] = await this.loaders.memberPageBySegmentLoader.load({ parent: segment.id, args: page });
    const connection = toConnection([...rows], page, () => this.size(segment));
    const customers = await Promise.all(connection.edges.map((e) => this.customers.getByLocalId(e.node.id)));
    const edges = connection.edges.flatMap((e, i) => {
      const customer = customers[i];
      return customer ? [{ cursor: e.cursor, node: { node: customer, since: e.node.since } }] : [];
    });
    return { ...connection, edges };
  }

  async transitions(segment: SegmentView, args: TransitionArgs): Promise<ConnectionData<TransitionView>> {
    const range = this.range(args);
    const page = toPage(args);
    const rows = await this.loaders.transitionPageBySegmentLoader.load({ parent: segment.id, args: { range, page } });
    const connection = toConnection([...rows], page, () => this.loaders.transitionCountBySegmentLoader.load({ parent: segment.id, args: range }));
    return { ...connection, edges: connection.edges.map((e) => ({ cursor: e.cursor, node: toTransitionView(e.node) })) };
  }

  private range(args: TransitionArgs): TimeRange {
    const from = args.from ?? null;
    const to = args.to ?? null;
    if (from && to && from >= to) throw badInput('to', 'to must be after from');
    return { from, to };
  }

  async membershipsOf(customerLocalId: string): Promise<MembershipView[]> {
    const rows = await this.loaders.membershipsByCustomerIdLoader.load(customerLocalId);
    return rows.map((r) => ({ segment: r.segment, since: r.since }));
  }

  async historyOf(customerLocalId: string, args: PageArgs): Promise<ConnectionData<TransitionView>> {
    const page = toPage(args);
    const rows = await this.loaders.historyPageByCustomerLoader.load({ parent: customerLocalId, args: page });
    const connection = toConnection([...rows], page, () => this.loaders.historyCountByCustomerLoader.load(customerLocalId));
    return { ...connection, edges: connection.edges.map((e) => ({ cursor: e.cursor, node: toTransitionView(e.node) })) };
  }

  customerOf(transition: TransitionView): Promise<CustomerView | null> {
    return this.customers.getByLocalId(transition.customerLocalId);
  }

  async segmentOf(transition: TransitionView): Promise<SegmentView> {
    const segment = await this.loaders.segmentByIdLoader.load(transition.segmentId);
    if (!segment) throw notFound('segment', transition.segmentId);
    return segment;
  }

  /** Each condition of the segment's definition for one customer: held or not, and the customer's values. */
  async explain(customerId: string, segmentKey: string, now?: Date | null): Promise<MembershipExplanationView> {
    const localId = localIdOf(customerId, CUSTOMER_TYPE, 'customerId');
    const segment = await this.require(segmentKey, 'segmentKey');
    validateStoredDefinition(segment);
    const customer = await this.customers.getByLocalId(localId);
    if (!customer) throw notFound('customer', customerId);
    const asOf = now ?? this.clock();
    const params = new SqlParams();
    const nodes = explainCustomerFilter(segment.definition, params, { now: asOf, path: 'definition' });
    const result = await this.repo.explain(localId, segment.id, nodes, params);
    if (!result) throw notFound('customer', customerId);
    return {
      segment,
      customer,
      asOf,
      matches: result.held[0],
      member: result.since !== null,
      since: result.since,
      conditions: nodes.map((n, i) => ({ path: n.path, kind: n.kind, field: n.field, condition: n.condition, held: result.held[i], actual: result.actual[i] })),
    };
  }
}
