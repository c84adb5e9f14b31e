import { Column, Entity, Index, Unique } from 'typeorm';
import { SourceRecordEntity } from '../../common/source-record.entity';
import { MONEY } from '../../common/column-types';

@Entity({ name: 'mobile_enrolment' })
@Unique('mobile_enrolment_customer_uq', ['customerId'])
@Unique('mobile_enrolment_source_uq', ['sourceSystem', 'sourceKey'])
@Index('mobile_enrolment_customer_enrolled_idx', ['customerId', 'enrolledAt'])
export class MobileEnrolmentEntity extends SourceRecordEntity {
  @Column({ name: 'enrolled_at', type: 'timestamptz' })
  enrolledAt: Date;

  @Column({ name: 'activated_at', type: 'timestamptz', nullable: true })
  activatedAt: Date | null;

  @Column({ ...MONEY, name: 'transfer_limit', default: 0 })
  transferLimit: string;

  @Column({ type: 'text', array: true, default: () => "'{}'" })
  devices: string[];
}
