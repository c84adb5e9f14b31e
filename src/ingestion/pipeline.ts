import { CustomerAssertion, IdentityService } from '../modules/identity/identity.service';
import { IngestionRepository, WriteCounts } from './ingestion.repository';
import { RecordType, Rejection, SourceItem, ValidRecord, WRITE_ORDER } from './records';
import { RejectSink } from './rejects';
import { SqlSession } from './sql-session';
import { validateRecord, ValidationContext } from './validate';

export interface TypeCounts {
  read: number;
  inserted: number;
  updated: number;
  unchanged: number;
  rejected: number;
  pending: number;
}

export interface IngestSummary {
  read: number;
  inserted: number;
  updated: number;
  unchanged: number;
  rejected: number;
  /** Records parked in ingest_pending by this run because their parent has not arrived (late data). */
  pending: number;
  /** Parked records (from this or an earlier run) written because their parent arrived. */
  promoted: number;
  customersCreated: number;
  customersMerged: number;
  byType: Partial<Record<RecordType, TypeCounts>>;
  /** Whole files that could not be read (wrong delimiter, encoding...). */
  fileErrors: string[];
  /** Source tables present but deliberately not loaded, with why. */
  notLoaded: string[];
  /** Rows still waiting in ingest_pending for this source system after the run. */
  stillPending: number;
}

export function emptySummary(): IngestSummary {
  return {
    read: 0,
    inserted: 0,
    updated: 0,
    unchanged: 0,
    rejected: 0,
    pending: 0,
    promoted: 0,
    customersCreated: 0,
    customersMerged: 0,
    byType: {},
    fileErrors: [],
    notLoaded: [],
    stillPending: 0,
  };
}

export interface PipelineContext {
  system: string;
  partnerId?: string;
  validation: ValidationContext;
  batchSize: number;
  /** Check keys repeated across batches of one file (needs the per-session seen table). */
  crossBatchDuplicates: boolean;
  /** Called after each batch commits (the CLI's --verbose). */
  onBatchCommitted?: (records: number, summary: IngestSummary) => void;
}

/** SQLSTATE classes that mean "this data", not "this database": data exceptions and integrity violations. */
function isDataError(error: unknown): boolean {
  const code = (error as { code?: string }).code;
  return typeof code === 'string' && (code.startsWith('22') || code.startsWith('23'));
}

/**
 * parse -> validate -> stage -> upsert. Each batch is one transaction (identity, writes, late-data promotion),
 * so a crash loses at most the batch in flight and a re-run converges to the same state.
 */
export class IngestionPipeline {
  private batch: ValidRecord[] = [];
  private inFlight?: Promise<void>;
  private readonly repo: IngestionRepository;

  constructor(
    private readonly sql: SqlSession,
    private readonly identity: IdentityService,
    private readonly ctx: PipelineContext,
    private readonly rejects: RejectSink,
    readonly summary: IngestSummary = emptySummary(),
  ) {
    this.repo = new IngestionRepository(sql);
  }

  private counts(type: RecordType): TypeCounts {
    return (this.summary.byType[type] ??= { read: 0, inserted: 0, updated: 0, unchanged: 0, rejected: 0, pending: 0 });
  }

  async reject(r: Rejection): Promise<void> {
    this.summary.rejected += 1;
    const t = r.type as RecordType | undefined;
    if (t && this.summary.byType[t]) this.counts(t).rejected += 1;
    await this.rejects.write(r);
  }

  /** Feeds one file's items; call startFile first so duplicates are tracked per file. */
  async startFile(): Promise<void> {
    await this.flush();
    if (this.ctx.crossBatchDuplicates) await this.repo.createSeenTable();
  }

  async push(item: SourceItem): Promise<void> {
    this.summary.read += 1;
    if (item.rejection) return this.reject(item.rejection);
    const result = validateRecord(item.raw!, item.file, item.line, this.ctx.validation);
    if ('reason' in result) {
      if (result.type) this.counts(result.type as RecordType).read += 1;
      return this.reject(result);
    }
    this.counts(result.type).read += 1;
    this.batch.push(result);
    if (this.batch.length >= this.ctx.batchSize) {
      // Write this batch while the next one is read and validated: Node parses as PostgreSQL writes.
      const batch = this.batch;
      this.batch = [];
      await this.inFlight;
      this.inFlight = this.writeBatch(batch);
      // Marked handled here; the error still surfaces at the next await of inFlight.
      this.inFlight.catch(() => undefined);
    }
  }

  /** Waits for the batch in flight, then writes what is left. */
  async flush(): Promise<void> {
    const inFlight = this.inFlight;
    this.inFlight = undefined;
    await inFlight;
    if (this.batch.length === 0) return;
    const batch = this.batch;
    this.batch = [];
    await this.writeBatch(batch);
  }

  async finish(): Promise<IngestSummary> {
    await this.flush();
    this.summary.stillPending = await this.repo.pendingCount(this.ctx.system);
    return this.summary;
  }

  private async writeBatch(batch: ValidRecord[]): Promise<void> {
    let result: { counts: Map<RecordType, WriteCounts>; created: number; merged: number; promoted: number; rejected: Rejection[] };
    try {
      result = await this.sql.transaction(() => this.writeInTransaction(batch));
    } catch (error) {
      if (!isDataError(error)) throw error;
      // Validation should have caught it; find the offending record(s) by halving, so the rest still loads.
      if (batch.length === 1) {
        const r = batch[0];
        await this.reject({ file: r.file, line: r.line, type: r.type, key: r.key, reason: `database refused the record: ${(error as Error).message}` });
        return;
      }
      const mid = batch.length >> 1;
      await this.writeBatch(batch.slice(0, mid));
      await this.writeBatch(batch.slice(mid));
      return;
    }
    for (const [type, c] of result.counts) {
      const t = this.counts(type);
      t.inserted += c.inserted;
      t.updated += c.updated;
      t.unchanged += c.unchanged;
      t.pending += c.parked;
      this.summary.inserted += c.inserted;
      this.summary.updated += c.updated;
      this.summary.unchanged += c.unchanged;
      this.summary.pending += c.parked;
    }
    this.summary.customersCreated += result.created;
    this.summary.customersMerged += result.merged;
    this.summary.promoted += result.promoted;
    for (const r of result.rejected) await this.reject(r);
    this.ctx.onBatchCommitted?.(batch.length, this.summary);
  }

  private async writeInTransaction(batch: ValidRecord[]) {
    // Batches from concurrent loads (CLI and API) take turns: identity resolution reads then writes, and two
    // interleaved batches could each create a customer for the same person.
    await this.repo.lockIngestion();
    const counts = new Map<RecordType, WriteCounts>();
    const rejected: Rejection[] = [];
    const byType = new Map<RecordType, ValidRecord[]>();
    // The first occurrence of a key in the batch wins; later ones are rejected with where the first was.
    const firstSeen = new Map<string, ValidRecord>();
    for (const r of batch) {
      const id = `${r.type}\u0000${r.key}`;
      const first = firstSeen.get(id);
      if (first) {
        rejected.push(duplicate(r, first.file, first.line));
        continue;
      }
      firstSeen.set(id, r);
      if (!byType.has(r.type)) byType.set(r.type, []);
      byType.get(r.type)!.push(r);
    }
    if (this.ctx.crossBatchDuplicates) {
      // Other types are checked against the seen table after staging (IngestionRepository.write).
      for (const [type, records] of byType) {
        if (type !== 'customer') continue;
        const seen = await this.repo.markSeen(type, records);
        if (seen.size === 0) continue;
        byType.set(
          type,
          records.filter((r) => {
            const where = seen.get(r.key);
            if (!where) return true;
            rejected.push(duplicate(r, where.file, where.line));
            return false;
          }),
        );
      }
    }

    let created = 0;
    let merged = 0;
    const customers = byType.get('customer') ?? [];
    const implicitKeys = (byType.get('purchase') ?? []).map((p) => p.values.customerKey as string);
    if (customers.length || implicitKeys.length) {
      const c = await this.identity.resolveCustomers(this.sql, this.ctx.system, customers.map(toAssertion), implicitKeys);
      counts.set('customer', { inserted: c.inserted, updated: c.updated, unchanged: c.unchanged, parked: 0, rejected: [] });
      created += c.customersCreated;
      merged += c.customersMerged;
    }
    for (const type of WRITE_ORDER) {
      const records = byType.get(type);
      if (type === 'customer' || !records?.length) continue;
      const c = await this.repo.write(type, this.ctx.system, records, this.ctx.partnerId, this.ctx.crossBatchDuplicates);
      counts.set(type, c);
      rejected.push(...c.rejected);
      if (c.cardLinks?.length) merged += await this.identity.registerCardIdentifiers(this.sql, this.ctx.system, c.cardLinks);
    }
    let promoted = 0;
    if ((await this.repo.pendingCount(this.ctx.system)) > 0) {
      for (const type of WRITE_ORDER) {
        if (type === 'customer') continue;
        const c = await this.repo.promote(type, this.ctx.system, this.ctx.partnerId);
        if (!c) continue;
        promoted += c.inserted + c.updated;
        const into = counts.get(type) ?? { inserted: 0, updated: 0, unchanged: 0, parked: 0, rejected: [] };
        // A promoted row counts as written now; it was counted as pending when it was parked.
        into.inserted += c.inserted;
        into.updated += c.updated;
        into.parked += c.parked;
        counts.set(type, into);
        rejected.push(...c.rejected);
        if (c.cardLinks?.length) merged += await this.identity.registerCardIdentifiers(this.sql, this.ctx.system, c.cardLinks);
      }
    }
    return { counts, created, merged, promoted, rejected };
  }
}

function duplicate(r: ValidRecord, file: string, line: number): Rejection {
  return { file: r.file, line: r.line, type: r.type, key: r.key, field: 'key', reason: `duplicate ${r.type} key ${r.key} (first at ${file}:${line})` };
}

/** What a customer record asserts: its profile values (clear national ID already gone) and identifier hashes. */
export function toAssertion(r: ValidRecord): CustomerAssertion {
  const attributes: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(r.values)) {
    if (k === 'key' || k === 'nationalId' || v === null) continue;
    attributes[k] = v;
  }
  if (r.identifiers?.nationalIdHash) attributes.nationalIdHash = r.identifiers.nationalIdHash;
  return { key: r.key, attributes, identifiers: r.identifiers };
}
