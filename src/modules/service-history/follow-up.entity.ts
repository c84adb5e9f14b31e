import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/** Stored states are open or completed; OVERDUE is derived from due_at against the clock (see follow-up-status.ts). */
export const FOLLOW_UP_STATUSES = ['OPEN', 'OVERDUE', 'COMPLETED'] as const;
export type FollowUpStatus = (typeof FOLLOW_UP_STATUSES)[number];

@Entity({ name: 'follow_up' })
@Index('follow_up_customer_due_idx', ['customerId', 'dueAt', 'id'])
export class FollowUpEntity {
  @PrimaryColumn({ name: 'customer_id', type: 'bigint' })
  customerId: string;

  @PrimaryColumn({ type: 'bigint', generated: 'identity', generatedIdentity: 'BY DEFAULT' })
  id: string;

  @Column({ name: 'due_at', type: 'timestamptz' })
  dueAt: Date;

  @Column({ type: 'text' })
  reason: string;

  /** Staff reference of the relationship manager who owns it. */
  @Column({ type: 'text' })
  owner: string;

  @Column({ name: 'branch_id', type: 'bigint', nullable: true })
  branchId: string | null;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt: Date;

  @Column({ name: 'completed_at', type: 'timestamptz', nullable: true })
  completedAt: Date | null;

  @Column({ type: 'text', nullable: true })
  outcome: string | null;
}
