import { Column, Entity, Index, Unique } from 'typeorm';
import { SourceRecordEntity } from '../../common/source-record.entity';
import { MONEY } from '../../common/column-types';
import { CHANNELS, COUNTERPARTY_KINDS, Channel, CounterpartyKind } from './core-banking.values';
export { CHANNELS, COUNTERPARTY_KINDS };
export type { Channel, CounterpartyKind };

@Entity({ name: 'bank_transaction' })
@Unique('bank_transaction_source_uq', ['sourceKey', 'sourceSystem'])
@Index('bank_transaction_customer_booked_idx', ['customerId', 'bookedAt', 'id'])
@Index('bank_transaction_account_booked_idx', ['customerId', 'accountId', 'bookedAt', 'id'])
export class TransactionEntity extends SourceRecordEntity {
  @Column({ name: 'account_id', type: 'bigint' })
  accountId: string;

  @Column({ name: 'booked_at', type: 'timestamptz' })
  bookedAt: Date;

  /** Signed: credits positive, debits negative. */
  @Column(MONEY)
  amount: string;

  @Column({ type: 'char', length: 3, default: 'CNY' })
  currency: string;

  @Column({ type: 'text' })
  channel: Channel;

  @Column({ name: 'counterparty_kind', type: 'text' })
  counterpartyKind: CounterpartyKind;

  @Column({ name: 'counterparty_name', type: 'text', nullable: true })
  counterpartyName: string | null;

  @Column({ name: 'merchant_category_code', type: 'char', length: 4, nullable: true })
  merchantCategoryCode: string | null;

  @Column({ type: 'text', nullable: true })
  description: string | null;
}
