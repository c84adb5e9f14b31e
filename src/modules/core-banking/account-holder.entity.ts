import { Column, Entity, Index, PrimaryColumn, Unique } from 'typeorm';
import { HOLDER_ROLES, HolderRole } from './core-banking.values';
export { HOLDER_ROLES };
export type { HolderRole };

/** Who may operate an account: its owner and any disponents. customerId is the account owner's (the shard key). */
@Entity({ name: 'account_holder' })
@Unique('account_holder_source_uq', ['sourceSystem', 'sourceKey'])
@Index('account_holder_account_idx', ['customerId', 'accountId'])
@Index('account_holder_holder_idx', ['holderCustomerId'])
export class AccountHolderEntity {
  @PrimaryColumn({ name: 'customer_id', type: 'bigint' })
  customerId: string;

  @PrimaryColumn({ type: 'bigint', generated: 'identity', generatedIdentity: 'BY DEFAULT' })
  id: string;

  @Column({ name: 'account_id', type: 'bigint' })
  accountId: string;

  @Column({ name: 'holder_customer_id', type: 'bigint' })
  holderCustomerId: string;

  @Column({ type: 'text' })
  role: HolderRole;

  @Column({ name: 'source_system', type: 'text' })
  sourceSystem: string;

  @Column({ name: 'source_key', type: 'text' })
  sourceKey: string;
}
