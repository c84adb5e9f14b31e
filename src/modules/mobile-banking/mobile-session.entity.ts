import { Column, Entity, Index, PrimaryColumn, Unique } from 'typeorm';

@Entity({ name: 'mobile_session' })
@Unique('mobile_session_source_uq', ['sourceSystem', 'sourceKey'])
@Index('mobile_session_customer_started_idx', ['customerId', 'startedAt', 'id'])
export class MobileSessionEntity {
  @PrimaryColumn({ name: 'customer_id', type: 'bigint' })
  customerId: string;

  @PrimaryColumn({ type: 'bigint', generated: 'identity', generatedIdentity: 'BY DEFAULT' })
  id: string;

  @Column({ name: 'source_system', type: 'text' })
  sourceSystem: string;

  @Column({ name: 'source_key', type: 'text' })
  sourceKey: string;

  @Column({ name: 'started_at', type: 'timestamptz' })
  startedAt: Date;

  @Column({ name: 'duration_seconds', type: 'integer' })
  durationSeconds: number;

  @Column({ name: 'features_used', type: 'text', array: true, default: () => "'{}'" })
  featuresUsed: string[];
}
