import { Column, Entity, Index, PrimaryColumn, Unique } from 'typeorm';
import { MONEY } from '../../common/column-types';

@Entity({ name: 'mobile_enrolment' })
@Unique('mobile_enrolment_customer_uq', ['customerId'])
@Unique('mobile_enrolment_source_uq', ['sourceSystem', 'sourceKey'])
@Index('mobile_enrolment_customer_enrolled_idx', ['customerId', 'enrolledAt'])
export class MobileEnrolmentEntity {
  @PrimaryColumn({ name: 'customer_id', type: 'bigint' })
  customerId: string;

  @PrimaryColumn({ type: 'bigint', generated: 'identity', generatedIdentity: 'BY DEFAULT' })
  id: string;

  @Column({ name: 'source_system', type: 'text' })
  sourceSystem: string;

  @Column({ name: 'source_key', type: 'text' })
  sourceKey: string;

  @Column({ name: 'enrolled_at', type: 'timestamptz' })
  enrolledAt: Date;

  @Column({ name: 'activated_at', type: 'timestamptz', nullable: true })
  activatedAt: Date | null;

  @Column({ ...MONEY, name: 'transfer_limit', default: 0 })
  transferLimit: string;

  @Column({ type: 'text', array: true, default: () => "'{}'" })
  devices: string[];
}
