import { Column, Entity, Index, PrimaryColumn, Unique } from 'typeorm';
import { MONEY } from '../../common/column-types';

export const LOAN_STATUSES = ['ACTIVE', 'IN_ARREARS', 'REPAID', 'DEFAULTED'] as const;
export type LoanStatus = (typeof LOAN_STATUSES)[number];

@Entity({ name: 'loan' })
@Unique('loan_source_uq', ['sourceSystem', 'sourceKey'])
@Index('loan_account_idx', ['customerId', 'accountId'])
@Index('loan_customer_granted_idx', ['customerId', 'grantedAt'])
export class LoanEntity {
  @PrimaryColumn({ name: 'customer_id', type: 'bigint' })
  customerId: string;

  @PrimaryColumn({ type: 'bigint', generated: 'identity', generatedIdentity: 'BY DEFAULT' })
  id: string;

  @Column({ name: 'account_id', type: 'bigint' })
  accountId: string;

  @Column({ name: 'source_system', type: 'text' })
  sourceSystem: string;

  @Column({ name: 'source_key', type: 'text' })
  sourceKey: string;

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
