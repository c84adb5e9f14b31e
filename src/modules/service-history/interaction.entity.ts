import { Column, Entity, Index, PrimaryColumn, Unique } from 'typeorm';
import { ProductType } from '../core-banking/account.entity';

export const INTERACTION_CHANNELS = ['BRANCH', 'CALL_CENTRE', 'MOBILE_APP', 'ONLINE', 'PARTNER', 'EMAIL', 'SMS'] as const;
export type InteractionChannel = (typeof INTERACTION_CHANNELS)[number];
export const INTERACTION_KINDS = ['SERVICE_REQUEST', 'COMPLAINT', 'ADVICE', 'SALE', 'MARKETING_CONTACT', 'FOLLOW_UP'] as const;
export type InteractionKind = (typeof INTERACTION_KINDS)[number];
export const INTERACTION_OUTCOMES = ['RESOLVED', 'PENDING', 'ESCALATED', 'ACCEPTED', 'DECLINED', 'NO_RESPONSE', 'INFORMATION_GIVEN'] as const;
export type InteractionOutcome = (typeof INTERACTION_OUTCOMES)[number];

@Entity({ name: 'interaction' })
@Unique('interaction_source_uq', ['sourceSystem', 'sourceKey'])
@Index('interaction_customer_occurred_idx', ['customerId', 'occurredAt', 'id'])
@Index('interaction_customer_kind_idx', ['customerId', 'kind', 'occurredAt'])
export class InteractionEntity {
  @PrimaryColumn({ name: 'customer_id', type: 'bigint' })
  customerId: string;

  @PrimaryColumn({ type: 'bigint', generated: 'identity', generatedIdentity: 'BY DEFAULT' })
  id: string;

  @Column({ name: 'occurred_at', type: 'timestamptz' })
  occurredAt: Date;

  @Column({ type: 'text' })
  channel: InteractionChannel;

  @Column({ type: 'text' })
  kind: InteractionKind;

  @Column({ type: 'text', nullable: true })
  outcome: InteractionOutcome | null;

  @Column({ name: 'branch_id', type: 'bigint', nullable: true })
  branchId: string | null;

  @Column({ name: 'staff_ref', type: 'text', nullable: true })
  staffRef: string | null;

  @Column({ name: 'product_type', type: 'text', nullable: true })
  productType: ProductType | null;

  @Column({ type: 'text', nullable: true })
  note: string | null;

  @Column({ name: 'source_system', type: 'text' })
  sourceSystem: string;

  @Column({ name: 'source_key', type: 'text' })
  sourceKey: string;

  @Column({ name: 'recorded_at', type: 'timestamptz', default: () => 'now()' })
  recordedAt: Date;
}
