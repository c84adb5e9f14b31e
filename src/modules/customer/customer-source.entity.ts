import { Column, Entity, PrimaryColumn, Unique } from 'typeorm';

/** Provenance: which source record (system + key) was merged into which customer, by which rule, and when. */
@Entity({ name: 'customer_source' })
@Unique('customer_source_system_key_uq', ['sourceSystem', 'sourceKey'])
export class CustomerSourceEntity {
  @PrimaryColumn({ name: 'customer_id', type: 'bigint' })
  customerId: string;

  @PrimaryColumn({ type: 'bigint', generated: 'identity', generatedIdentity: 'BY DEFAULT' })
  id: string;

  @Column({ name: 'source_system', type: 'text' })
  sourceSystem: string;

  @Column({ name: 'source_key', type: 'text' })
  sourceKey: string;

  @Column({ name: 'match_rule', type: 'text', default: 'NEW_CUSTOMER' })
  matchRule: string;

  @Column({ name: 'first_seen_at', type: 'timestamptz', default: () => 'now()' })
  firstSeenAt: Date;

  @Column({ name: 'last_seen_at', type: 'timestamptz', default: () => 'now()' })
  lastSeenAt: Date;

  @Column({ type: 'jsonb', default: () => "'{}'" })
  attributes: Record<string, unknown>;
}
