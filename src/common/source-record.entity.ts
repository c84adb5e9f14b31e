import { Column, PrimaryColumn } from 'typeorm';

/**
 * The head every customer-owned source row shares: the distribution key first in the primary key, and
 * its provenance (source system + key, unique per system) so that loading the same data twice changes
 * nothing. Entities extend it (TypeORM inherits the columns of an abstract base).
 */
export abstract class SourceRecordEntity {
  @PrimaryColumn({ name: 'customer_id', type: 'bigint' })
  customerId: string;

  @PrimaryColumn({ type: 'bigint', generated: 'identity', generatedIdentity: 'BY DEFAULT' })
  id: string;

  @Column({ name: 'source_system', type: 'text' })
  sourceSystem: string;

  @Column({ name: 'source_key', type: 'text' })
  sourceKey: string;
}
