import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/** A record that arrived before its parent, held until the parent arrives (see docs/ingestion.md, late data). */
@Entity({ name: 'ingest_pending' })
@Index('ingest_pending_parent_idx', ['sourceSystem', 'parentType', 'parentKey'])
export class IngestPendingEntity {
  @PrimaryColumn({ name: 'source_system', type: 'text' })
  sourceSystem: string;

  @PrimaryColumn({ name: 'record_type', type: 'text' })
  recordType: string;

  @PrimaryColumn({ name: 'source_key', type: 'text' })
  sourceKey: string;

  @Column({ name: 'parent_type', type: 'text' })
  parentType: string;

  @Column({ name: 'parent_key', type: 'text' })
  parentKey: string;

  @Column({ type: 'jsonb' })
  payload: Record<string, unknown>;

  @Column({ name: 'source_file', type: 'text', nullable: true })
  sourceFile: string | null;

  @Column({ type: 'integer', nullable: true })
  line: number | null;

  @Column({ name: 'held_at', type: 'timestamptz', default: () => 'now()' })
  heldAt: Date;
}
