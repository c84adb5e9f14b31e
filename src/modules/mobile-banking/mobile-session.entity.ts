import { Column, Entity, Index, Unique } from 'typeorm';
import { SourceRecordEntity } from '../../common/source-record.entity';

@Entity({ name: 'mobile_session' })
@Unique('mobile_session_source_uq', ['sourceKey', 'sourceSystem'])
@Index('mobile_session_customer_started_idx', ['customerId', 'startedAt', 'id'])
export class MobileSessionEntity extends SourceRecordEntity {
  @Column({ name: 'started_at', type: 'timestamptz' })
  startedAt: Date;

  @Column({ name: 'duration_seconds', type: 'integer' })
  durationSeconds: number;

  @Column({ name: 'features_used', type: 'text', array: true, default: () => "'{}'" })
  featuresUsed: string[];
}
