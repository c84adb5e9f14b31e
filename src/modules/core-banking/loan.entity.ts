import { Column, Entity, Index, Unique } from 'typeorm';
import { SourceRecordEntity } from '../../common/source-record.entity';
import { MONEY } from '../../common/column-types';
import { LOAN_STATUSES, LoanStatus } from './core-banking.values';
export { LOAN_STATUSES };
export type { LoanStatus };

@Entity({ name: 'loan' })
@Unique('loan_source_uq', ['sourceSystem', 'sourceKey'])
@Index('loan_account_idx', ['customerId', 'accountId'])
@Index('loan_customer_granted_idx', ['customerId', 'grantedAt'])
export class LoanEntity extends SourceRecordEntity {
  @Column({ name: 'account_id', type: 'bigint' })
  accountId: string;

  @Column(MONEY)
  principal: string;

  @Column({ name: 'term_months', type: 'integer' })
  termMonths: number;

  @Column({ ...MONEY, name: 'monthly_payment', nullable: true })
  monthlyPayment: string | null;

  @Column({ type: 'text' })
  status: LoanStatus;

  @Column({ name: 'granted_at', type: 'timestamptz' })
  grantedAt: Date;
}
