import { Column, Entity, Index, Unique } from 'typeorm';
import { MONEY } from '../../common/column-types';
import { SourceRecordEntity } from '../../common/source-record.entity';
import { STANDING_ORDER_PURPOSES, StandingOrderPurpose } from './core-banking.values';
export { STANDING_ORDER_PURPOSES };
export type { StandingOrderPurpose };

/** A recurring payment order on an account: to whom (bank and account), how much, and what for. */
@Entity({ name: 'standing_order' })
@Unique('standing_order_source_uq', ['sourceSystem', 'sourceKey'])
@Index('standing_order_account_idx', ['customerId', 'accountId'])
export class StandingOrderEntity extends SourceRecordEntity {
  @Column({ name: 'account_id', type: 'bigint' })
  accountId: string;

  @Column(MONEY)
  amount: string;

  @Column({ type: 'char', length: 3 })
  currency: string;

  @Column({ type: 'text' })
  purpose: StandingOrderPurpose;

  @Column({ name: 'recipient_bank', type: 'text', nullable: true })
  recipientBank: string | null;

  @Column({ name: 'recipient_account', type: 'text', nullable: true })
  recipientAccount: string | null;

  @Column({ name: 'source_codes', type: 'jsonb', nullable: true })
  sourceCodes: Record<string, unknown> | null;
}
