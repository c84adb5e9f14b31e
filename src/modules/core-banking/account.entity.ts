import { Column, CreateDateColumn, Entity, Index, Unique, UpdateDateColumn } from 'typeorm';
import { SourceRecordEntity } from '../../common/source-record.entity';
import { MONEY } from '../../common/column-types';
import { PRODUCT_TYPES, ACCOUNT_STATUSES, ProductType, AccountStatus } from './core-banking.values';
export { PRODUCT_TYPES, ACCOUNT_STATUSES };
export type { ProductType, AccountStatus };

@Entity({ name: 'account' })
@Unique('account_source_uq', ['sourceSystem', 'sourceKey'])
@Index('account_customer_opened_idx', ['customerId', 'openedAt'])
export class AccountEntity extends SourceRecordEntity {
  @Column({ name: 'product_type', type: 'text' })
  productType: ProductType;

  @Column({ name: 'account_number', type: 'text', nullable: true })
  accountNumber: string | null;

  @Column({ type: 'char', length: 3, default: 'CNY' })
  currency: string;

  @Column({ type: 'text', default: 'OPEN' })
  status: AccountStatus;

  @Column({ name: 'opened_at', type: 'timestamptz' })
  openedAt: Date;

  @Column({ name: 'closed_at', type: 'timestamptz', nullable: true })
  closedAt: Date | null;

  @Column({ ...MONEY, default: 0 })
  balance: string;

  @Column({ ...MONEY, name: 'credit_limit', nullable: true })
  creditLimit: string | null;

  @Column({ name: 'interest_rate', type: 'numeric', precision: 9, scale: 6, nullable: true })
  interestRate: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
