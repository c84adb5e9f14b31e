import { randomUUID } from 'node:crypto';
import { badInput, DomainException, ErrorCode, notFound } from '../../common/errors';
import { localIdOf, ownedLocalId, parseOwnedLocalId, toGlobalId } from '../../common/global-id';
import { ConnectionData, PageArgs, toConnection, toPage } from '../../common/pagination';
import { BRANCH_TYPE } from '../branch/branch.service';
import { CUSTOMER_TYPE } from '../customer/customer.service';
import { canContact, ContactDecision, ContactHistory, ContactPolicy, daysSince, historyWindowDays, isOverContacted } from './contact-policy';
import { FollowUpStatus } from './follow-up.entity';
import { followUpStatus } from './follow-up-status';
import { checkInteractionRecord, RecordRejection } from './interaction-record';
import { InteractionChannel } from './interaction.entity';
import { ServiceHistoryLoaders } from './service-history.loaders';
import {
  BranchFollowUpCountRow,
  FollowUpListOptions,
  FollowUpRow,
  InteractionRow,
  InteractionWrite,
  OwnedKey,
  ServiceHistoryRepository,
  TimelineOptions,
  TimelineRow,
} from './service-history.repository';
import { parseTimelineSortValue, TimelineEventKind, timelineSummary } from './timeline';

export const INTERACTION_TYPE = 'Interaction';
export const FOLLOW_UP_TYPE = 'FollowUp';
/** Interactions recorded through the API without a source key of their own. */
export const API_SOURCE_SYSTEM = 'fattail-api';
/** Records per upsert statement in recordInteractions. */
const WRITE_CHUNK = 1_000;

export type InteractionView = Omit<InteractionRow, 'id'> & { id: string; localId: string };
export type FollowUpView = Omit<FollowUpRow, 'id'> & { id: string; localId: string; status: FollowUpStatus; overdue: boolean };

export interface TimelineEventView {
  __typename: string;
  id: string;
  customerId: string;
  sourceId: string;
  occurredAt: Date;
  kind: TimelineEventKind;
  channel: InteractionChannel | null;
  summary: string;
  /** Fields of the concrete type (productType, principal, partnerId ...), flattened from the row's detail. */
  [field: string]: unknown;
}

export interface ContactPressureView {
  customerId: string;
  marketingContacts30d: number;
  marketingContacts90d: number;
  lastContactAt: Date | null;
  daysSinceLastContact: number | null;
  overContacted: boolean;
  /** What canContact needs, so the field can answer without another query. */
  history: ContactHistory;
  now: Date;
}

export interface RecordInteractionInput {
  customerId: string;
  occurredAt: Date;
  channel: string;
  kind: string;
  outcome?: string | null;
  branchId?: string | null;
  staffRef?: string | null;
  productType?: string | null;
  note?: string | null;
  sourceSystem?: string | null;
  sourceKey?: string | null;
}

export interface InteractionRejection extends RecordRejection {
  /** Position of the record in the call. */
  index: number;
  sourceKey: string | null;
}

export interface RecordInteractionsResult {
  read: number;
  inserted: number;
  updated: number;
  unchanged: number;
  rejected: InteractionRejection[];
}

export interface TimelineQuery extends PageArgs {
  from?: Date | null;
  to?: Date | null;
  channels?: InteractionChannel[] | null;
  kinds?: TimelineEventKind[] | null;
  order?: 'ASC' | 'DESC' | null;
}

export interface FollowUpsQuery extends PageArgs {
  status?: FollowUpStatus[] | null;
}

export interface WorkListQuery extends FollowUpsQuery {
  owner?: string | null;
  branchId?: string | null;
  dueBefore?: Date | null;
}

export interface CreateFollowUpInput {
  customerId: string;
  dueAt: Date;
  reason: string;
  owner: string;
  branchId?: string | null;
}

export const TIMELINE_TYPENAMES: Record<TimelineEventKind, string> = {
  SERVICE_REQUEST: 'InteractionEvent',
  COMPLAINT: 'InteractionEvent',
  ADVICE: 'InteractionEvent',
  SALE: 'InteractionEvent',
  MARKETING_CONTACT: 'InteractionEvent',
  FOLLOW_UP: 'InteractionEvent',
  ACCOUNT_OPENED: 'AccountOpenedEvent',
  ACCOUNT_CLOSED: 'AccountClosedEvent',
  LOAN_GRANTED: 'LoanGrantedEvent',
  MOBILE_ENROLLED: 'MobileEnrolledEvent',
  MOBILE_ACTIVATED: 'MobileActivatedEvent',
  FIRST_PARTNER_PURCHASE: 'FirstPartnerPurchaseEvent',
  SEGMENT_ENTERED: 'SegmentEnteredEvent',
  SEGMENT_EXITED: 'SegmentExitedEvent',
};

const TIMESTAMP_SORT = /^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{6}Z$/;

export function toInteractionView(row: InteractionRow): InteractionView {
  return { ...row, id: toGlobalId(INTERACTION_TYPE, ownedLocalId(row.customerId, row.id)), localId: row.id };
}

export function toFollowUpView(row: FollowUpRow, now: Date): FollowUpView {
  const status = followUpStatus(row.dueAt, row.completedAt, now);
  return { ...row, id: toGlobalId(FOLLOW_UP_TYPE, ownedLocalId(row.customerId, row.id)), localId: row.id, status, overdue: status === 'OVERDUE' };
}

const asDate = (v: unknown): Date | null => (v == null ? null : new Date(String(v)));
const asText = (v: unknown): string | null => (v == null ? null : String(v));

/** The concrete type's own fields, from the source's detail object (money stays text). */
function eventFields(row: TimelineRow): Record<string, unknown> {
  const d = row.detail;
  switch (row.kind) {
    case 'ACCOUNT_OPENED':
    case 'ACCOUNT_CLOSED':
      return { accountId: row.id, productType: d.productType, accountNumber: asText(d.accountNumber), currency: d.currency, openedAt: asDate(d.openedAt) };
    case 'LOAN_GRANTED':
      return { accountId: d.accountId, principal: d.principal, termMonths: d.termMonths, monthlyPayment: asText(d.monthlyPayment), status: d.status };
    case 'MOBILE_ENROLLED':
      return { devices: d.devices ?? [] };
    case 'MOBILE_ACTIVATED': {
      const enrolledAt = asDate(d.enrolledAt)!;
      return { enrolledAt, daysToActivate: daysSince(enrolledAt, row.occurredAt) };
    }
    case 'FIRST_PARTNER_PURCHASE':
      return { partnerId: d.partnerId, amount: d.amount, currency: d.currency, category: asText(d.category) };
    case 'SEGMENT_ENTERED':
    case 'SEGMENT_EXITED':
      return { segmentId: d.segmentId, segmentKey: d.segmentKey, segmentName: d.segmentName };
    default:
      return {
        interaction: toInteractionView({
          customerId: row.customerId,
          id: row.id,
          occurredAt: row.occurredAt,
          channel: row.channel!,
          kind: row.kind,
          outcome: asText(d.outcome),
          branchId: asText(d.branchId),
          staffRef: asText(d.staffRef),
          productType: asText(d.productType),
          note: asText(d.note),
          sourceSystem: String(d.sourceSystem),
          sourceKey: String(d.sourceKey),
          recordedAt: asDate(d.recordedAt)!,
        }),
      };
  }
}

export function toTimelineView(row: TimelineRow): TimelineEventView {
  const __typename = TIMELINE_TYPENAMES[row.kind];
  return {
    ...eventFields(row),
    __typename,
    id: toGlobalId(__typename, ownedLocalId(row.customerId, row.id)),
    customerId: row.customerId,
    sourceId: row.id,
    occurredAt: row.occurredAt,
    kind: row.kind,
    channel: row.channel,
    summary: timelineSummary(row.kind, row.channel, row.detail),
  };
}

function mapConnection<R extends { id: string }, V>(connection: ConnectionData<R>, map: (row: R) => V): ConnectionData<V> {
  return { ...connection, edges: connection.edges.map((e) => ({ cursor: e.cursor, node: map(e.node) })) };
}

/**
 * Interactions, the merged customer timeline, follow-ups and contact pressure. Reads go through per-request
 * loaders; `clock` is read once per request for reads, so every field of one response agrees on "now".
 */
export class ServiceHistoryService {
  private readonly now: Date;

  constructor(
    private readonly repo: ServiceHistoryRepository,
    private readonly loaders: ServiceHistoryLoaders,
    private readonly policy: ContactPolicy,
    private readonly clock: () => Date = () => new Date(),
  ) {
    this.now = clock();
  }

  get contactPolicy(): ContactPolicy {
    return this.policy;
  }

  async recordInteraction(input: RecordInteractionInput): Promise<InteractionView> {
    const customerId = localIdOf(input.customerId, CUSTOMER_TYPE, 'customerId');
    const branchId = input.branchId ? localIdOf(input.branchId, BRANCH_TYPE, 'branchId') : null;
    if (input.sourceSystem && !input.sourceKey) throw badInput('sourceKey', 'sourceKey is required when sourceSystem is given');
    const checked = checkInteractionRecord(
      {
        // Without a source key the interaction is new every time: give it a key nobody else can send.
        sourceSystem: input.sourceSystem ?? API_SOURCE_SYSTEM,
        sourceKey: input.sourceKey ?? randomUUID(),
        customerId,
        occurredAt: input.occurredAt.toISOString(),
        channel: input.channel,
        kind: input.kind,
        outcome: input.outcome,
        branchId,
        staffRef: input.staffRef,
        productType: input.productType,
        note: input.note,
      },
      this.clock(),
    );
    if ('reason' in checked) throw badInput(checked.field, checked.reason);
    const [outcome] = await this.repo.upsertInteractions([checked.record]);
    switch (outcome.status) {
      case 'UNKNOWN_CUSTOMER':
        throw notFound('Customer', input.customerId);
      case 'UNKNOWN_BRANCH':
        throw badInput('branchId', `no branch ${input.branchId}`);
      case 'KEY_OF_OTHER_CUSTOMER':
        throw new DomainException(`source key ${checked.record.sourceSystem}/${checked.record.sourceKey} already belongs to another customer`, ErrorCode.CONFLICT, {
          field: 'sourceKey',
        });
      default: {
        const [row] = await this.repo.interactionsByKeys([{ customerId: outcome.customerId!, id: outcome.id! }]);
        return toInteractionView(row);
      }
    }
  }

  /**
   * Ingestion entry: validates each raw record (canonical format), refuses repeated keys within the call,
   * and upserts the rest set-based on (source_system, source_key). Re-sending a file changes nothing.
   */
  async recordInteractions(records: readonly Record<string, unknown>[]): Promise<RecordInteractionsResult> {
    const result: RecordInteractionsResult = { read: records.length, inserted: 0, updated: 0, unchanged: 0, rejected: [] };
    const now = this.clock();
    const valid: { index: number; record: InteractionWrite }[] = [];
    const firstIndex = new Map<string, number>();
    records.forEach((raw, index) => {
      const checked = checkInteractionRecord(raw, now);
      const sourceKey = typeof raw.sourceKey === 'string' ? raw.sourceKey : null;
      if ('reason' in checked) {
        result.rejected.push({ index, sourceKey, field: checked.field, reason: checked.reason });
        return;
      }
      const id = `${checked.record.sourceSystem}\u0000${checked.record.sourceKey}`;
      const first = firstIndex.get(id);
      if (first !== undefined) {
        result.rejected.push({ index, sourceKey, field: 'sourceKey', reason: `repeats the source key of record ${first}` });
        return;
      }
      firstIndex.set(id, index);
      valid.push({ index, record: checked.record });
    });
    for (let start = 0; start < valid.length; start += WRITE_CHUNK) {
      const chunk = valid.slice(start, start + WRITE_CHUNK);
      const outcomes = await this.repo.upsertInteractions(chunk.map((c) => c.record));
      outcomes.forEach((outcome, n) => {
        const { index, record } = chunk[n];
        const reject = (field: string, reason: string) => result.rejected.push({ index, sourceKey: record.sourceKey, field, reason });
        switch (outcome.status) {
          case 'INSERTED':
            result.inserted += 1;
            break;
          case 'UPDATED':
            result.updated += 1;
            break;
          case 'UNCHANGED':
            result.unchanged += 1;
            break;
          case 'UNKNOWN_CUSTOMER':
            reject(record.customerId ? 'customerId' : 'customerKey', record.customerId ? `no customer ${record.customerId}` : `no customer ${record.customerSystem}/${record.customerKey}`);
            break;
          case 'UNKNOWN_BRANCH':
            reject(record.branchId ? 'branchId' : 'branchCode', `no branch ${record.branchId ?? record.branchCode}`);
            break;
          case 'KEY_OF_OTHER_CUSTOMER':
            reject('sourceKey', 'this source key already belongs to another customer');
            break;
        }
      });
    }
    result.rejected.sort((a, b) => a.index - b.index);
    return result;
  }

  async interaction(key: OwnedKey): Promise<InteractionView | null> {
    const row = await this.loaders.interactionByKeyLoader.load(key);
    return row ? toInteractionView(row) : null;
  }

  async timelineOf(customerLocalId: string, query: TimelineQuery): Promise<ConnectionData<TimelineEventView>> {
    const page = toPage(query);
    if (query.from && query.to && query.from >= query.to) throw badInput('to', 'to must be after from');
    const after = page.cursor ? parseTimelineSortValue(page.cursor[0], page.cursor[1], page.backward ? 'before' : 'after') : null;
    const options: TimelineOptions = {
      from: query.from?.toISOString() ?? null,
      to: query.to?.toISOString() ?? null,
      kinds: query.kinds?.length ? [...new Set(query.kinds)].sort() : null,
      channels: query.channels?.length ? [...new Set(query.channels)].sort() : null,
      descending: (query.order ?? 'DESC') === 'DESC',
    };
    const rows = await this.loaders.timelinePageByCustomerLoader.load({ parent: customerLocalId, args: { options, page, after } });
    const connection = toConnection([...rows], page, () =>
      this.loaders.timelineCountByCustomerLoader.load({ parent: customerLocalId, args: { ...options, descending: true } }),
    );
    return mapConnection(connection, toTimelineView);
  }

  async contactPressureOf(customerLocalId: string): Promise<ContactPressureView> {
    const now = this.now;
    const row = await this.loaders.contactHistoryByCustomerLoader.load({
      parent: customerLocalId,
      args: { now: now.toISOString(), historyDays: historyWindowDays(this.policy) },
    });
    const history: ContactHistory = {
      marketingContacts: row.recentMarketing.map((c) => ({ at: new Date(c.at), channel: c.channel })),
      lastComplaintAt: row.lastComplaintAt,
    };
    return {
      customerId: customerLocalId,
      marketingContacts30d: row.marketing30d,
      marketingContacts90d: row.marketing90d,
      lastContactAt: row.lastContactAt,
      daysSinceLastContact: daysSince(row.lastContactAt, now),
      overContacted: isOverContacted(this.policy, history, now),
      history,
      now,
    };
  }

  decide(pressure: ContactPressureView, channel: InteractionChannel): ContactDecision {
    return canContact(this.policy, pressure.history, channel, pressure.now);
  }

  async canContact(customerGlobalId: string, channel: InteractionChannel): Promise<ContactDecision> {
    const customerId = localIdOf(customerGlobalId, CUSTOMER_TYPE, 'customerId');
    const [exists] = await this.repo.customerHomeBranches([customerId]);
    if (!exists) throw notFound('Customer', customerGlobalId);
    return this.decide(await this.contactPressureOf(customerId), channel);
  }

  async createFollowUp(input: CreateFollowUpInput): Promise<FollowUpView> {
    const customerId = localIdOf(input.customerId, CUSTOMER_TYPE, 'customerId');
    const reason = input.reason.trim();
    const owner = input.owner.trim();
    if (!reason) throw badInput('reason', 'reason must not be empty');
    if (!owner) throw badInput('owner', 'owner must not be empty');
    const [customer] = await this.repo.customerHomeBranches([customerId]);
    if (!customer) throw notFound('Customer', input.customerId);
    let branchId = customer.homeBranchId;
    if (input.branchId) {
      branchId = localIdOf(input.branchId, BRANCH_TYPE, 'branchId');
      if (!(await this.repo.branchExists(branchId))) throw badInput('branchId', `no branch ${input.branchId}`);
    }
    // A due time in the past is allowed on purpose: staff log promises made earlier; it shows as overdue at once.
    const row = await this.repo.createFollowUp({ customerId, dueAt: input.dueAt.toISOString(), reason, owner, branchId });
    return toFollowUpView(row, this.clock());
  }

  /** Completes an open follow-up; with a channel, also records the contact as a FOLLOW_UP interaction. */
  async completeFollowUp(globalId: string, outcome: string, channel: InteractionChannel | null): Promise<FollowUpView> {
    const key = parseOwnedLocalId(localIdOf(globalId, FOLLOW_UP_TYPE, 'id'), 'id');
    const text = outcome.trim();
    if (!text) throw badInput('outcome', 'outcome must not be empty');
    const now = this.clock();
    const existing = await this.repo.followUpByKey(key);
    if (!existing) throw notFound('FollowUp', globalId);
    if (existing.completedAt) {
      throw new DomainException(`follow-up ${globalId} was completed on ${existing.completedAt.toISOString()}`, ErrorCode.CONFLICT, { field: 'id' });
    }
    const contact: InteractionWrite | null = channel
      ? {
          sourceSystem: API_SOURCE_SYSTEM,
          sourceKey: `follow-up:${key.customerId}.${key.id}`,
          customerId: key.customerId,
          customerSystem: null,
          customerKey: null,
          occurredAt: now.toISOString(),
          channel,
          kind: 'FOLLOW_UP',
          outcome: null,
          branchId: existing.branchId,
          branchCode: null,
          staffRef: existing.owner,
          productType: null,
          note: text.slice(0, 2000),
        }
      : null;
    const row = await this.repo.completeFollowUp(key, text, now.toISOString(), contact);
    // Lost a race with another completion between the read and the update.
    if (!row) throw new DomainException(`follow-up ${globalId} is already completed`, ErrorCode.CONFLICT, { field: 'id' });
    return toFollowUpView(row, now);
  }

  async followUp(key: OwnedKey): Promise<FollowUpView | null> {
    const row = await this.loaders.followUpByKeyLoader.load(key);
    return row ? toFollowUpView(row, this.now) : null;
  }

  async followUpsOf(customerLocalId: string, query: FollowUpsQuery): Promise<ConnectionData<FollowUpView>> {
    const page = this.followUpPage(query);
    const options: FollowUpListOptions = { statuses: query.status?.length ? [...new Set(query.status)].sort() : null, now: this.now.toISOString() };
    const rows = await this.loaders.followUpPageByCustomerLoader.load({ parent: customerLocalId, args: { options, page } });
    const connection = toConnection([...rows], page, () => this.loaders.followUpCountByCustomerLoader.load({ parent: customerLocalId, args: options }));
    return mapConnection(connection, (row) => toFollowUpView(row, this.now));
  }

  /** A relationship manager's work list; without a status it shows what is still to do (OPEN and OVERDUE). */
  async workList(query: WorkListQuery): Promise<ConnectionData<FollowUpView>> {
    const page = this.followUpPage(query);
    const options: FollowUpListOptions = {
      statuses: query.status?.length ? [...new Set(query.status)] : ['OPEN', 'OVERDUE'],
      owner: query.owner?.trim() || null,
      branchId: query.branchId ? localIdOf(query.branchId, BRANCH_TYPE, 'branchId') : null,
      dueBefore: query.dueBefore?.toISOString() ?? null,
      now: this.now.toISOString(),
    };
    const rows = await this.repo.followUpWorkList(options, page);
    const connection = toConnection(rows, page, () => this.repo.followUpWorkListCount(options));
    return mapConnection(connection, (row) => toFollowUpView(row, this.now));
  }

  async followUpCountsByBranch(owner: string | null): Promise<BranchFollowUpCountRow[]> {
    return this.repo.followUpCountsByBranch(this.now.toISOString(), owner?.trim() || null);
  }

  private followUpPage(query: PageArgs) {
    const page = toPage(query);
    if (page.cursor && !TIMESTAMP_SORT.test(page.cursor[0] ?? '')) throw badInput(page.backward ? 'before' : 'after', 'not a follow-up cursor');
    return page;
  }
}
