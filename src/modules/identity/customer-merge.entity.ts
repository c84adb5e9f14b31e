import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { MergeDetail } from './identity.repository';

/** One merge: customerId survived, mergedCustomerId was folded in; detail lists every moved row so it can be undone. */
@Entity({ name: 'customer_merge' })
export class CustomerMergeEntity {
  @PrimaryColumn({ name: 'customer_id', type: 'bigint' })
  customerId: string;

  @PrimaryColumn({ type: 'bigint', generated: 'identity', generatedIdentity: 'BY DEFAULT' })
  id: string;

  @Column({ name: 'merged_customer_id', type: 'bigint' })
  mergedCustomerId: string;

  @Column({ name: 'match_rule', type: 'text' })
  matchRule: string;

  @Column({ name: 'trigger_source_system', type: 'text', nullable: true })
  triggerSourceSystem: string | null;

  @Column({ name: 'trigger_source_key', type: 'text', nullable: true })
  triggerSourceKey: string | null;

  @Column({ name: 'merged_at', type: 'timestamptz', default: () => 'now()' })
  mergedAt: Date;

  @Column({ name: 'unmerged_at', type: 'timestamptz', nullable: true })
  unmergedAt: Date | null;

  @Column({ type: 'jsonb' })
  detail: MergeDetail;
}
