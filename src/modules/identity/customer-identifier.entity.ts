import { Column, Entity, Index, PrimaryColumn, Unique } from 'typeorm';

/** A keyed hash of one linking identifier, as asserted by one source record; looked up by (kind, valueHash). */
@Entity({ name: 'customer_identifier' })
@Unique('customer_identifier_source_uq', ['sourceSystem', 'recordType', 'sourceKey', 'kind'])
@Index('customer_identifier_lookup_idx', ['kind', 'valueHash'])
export class CustomerIdentifierEntity {
  @PrimaryColumn({ name: 'customer_id', type: 'bigint' })
  customerId: string;

  @PrimaryColumn({ type: 'bigint', generated: 'identity', generatedIdentity: 'BY DEFAULT' })
  id: string;

  @Column({ type: 'text' })
  kind: string;

  @Column({ name: 'value_hash', type: 'text' })
  valueHash: string;

  @Column({ name: 'source_system', type: 'text' })
  sourceSystem: string;

  @Column({ name: 'record_type', type: 'text' })
  recordType: string;

  @Column({ name: 'source_key', type: 'text' })
  sourceKey: string;
}
