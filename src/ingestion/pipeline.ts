import { CustomerAssertion, IdentityService } from '../modules/identity/identity.service';
import { BulkChecksNeeded, bulkCopyLine, BulkStream, IngestionRepository, WriteCounts } from './ingestion.repository';
import { RecordType, Rejection, SourceItem, ValidRecord, WRITE_ORDER } from './records';
import { NEXT_RECORD, NEXT_REJECTION, ParsedChunk } from './parse-chunk';
import { RejectSink } from './rejects';
import { CopyText, SqlSession, unescapeCopy } from './sql-session';
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
  /** Rows still waiting in ingest_pending for this source system after the run. */
  stillPending: number;
  /** Tables a bulk load wrote with their indexes and keys dropped and rebuilt. */
  rebuilt: string[];
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
    stillPending: 0,
    rebuilt: [],
  };
}

export interface PipelineContext {
  system: string;
  partnerId?: string;
  validation: ValidationContext;
  batchSize: number;
  /** Check keys repeated across batches of one file (needs the per-session seen table). */
  crossBatchDuplicates: boolean;
  /**
   * Bulk load: the caller runs the whole load in one transaction (batches are savepoints), and records of the
   * BULK_TYPES are staged per file and written set-based when the file ends (IngestionRepository.writeBulk).
   */
  bulk?: boolean;
  /** Called after each batch commits (the CLI's --verbose); in a bulk load, after each batch is written. */
  onBatchCommitted?: (records: number, summary: IngestSummary) => void;
}

/**
 * The high-volume record types a bulk load stages whole files of: nothing links to them, nothing is resolved
 * from them. In write order (WRITE_ORDER).
 */
export const BULK_TYPES: readonly RecordType[] = ['transaction', 'session', 'purchase'];

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
  private staged: StagedRecords;
  /** Bulk types this file writes as it stages them (IngestionRepository.beginBulkStream). */
  private readonly streams = new Map<RecordType, BulkStream>();
  /** Per bulk type, the line of the last record this file staged through push(). */
  private readonly lastBulkLine = new Map<RecordType, number>();
  /** The BULK_TYPES this source may send: the only ones a bulk load stages (none when not bulk). */
  private readonly bulkTypes: readonly RecordType[];
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
    this.staged = new StagedRecords(sql.canCopy);
    this.bulkTypes = ctx.bulk ? BULK_TYPES.filter((t) => ctx.validation.allowedTypes.includes(t)) : [];
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

  /** Feeds one file's items; call startFile first so duplicates are tracked per file, and endFile after. */
  async startFile(): Promise<void> {
    await this.flush();
    if (this.ctx.crossBatchDuplicates) await this.repo.createSeenTable();
    this.streams.clear();
    this.lastBulkLine.clear();
    for (const type of this.bulkTypes) {
      await this.repo.createBulkStage(type);
      const stream = await this.repo.beginBulkStream(type);
      if (stream) this.streams.set(type, stream);
    }
  }

  /** Writes what is left of the file, then (bulk load) the file's staged records. */
  async endFile(): Promise<void> {
    await this.flush();
    for (const type of this.bulkTypes) {
      const stream = this.streams.get(type);
      if (stream) {
        this.streams.delete(type);
        try {
          await this.applyBulk(type, await this.sql.transaction(() => this.repo.finishBulkStream(type, this.ctx.system, stream, this.ctx.partnerId)));
          await this.repo.dropBulkStage(type);
          continue;
        } catch (error) {
          if (!(error instanceof BulkChecksNeeded) && !isDataError(error)) throw error;
          // The file repeats a key: start this type's write again from its stage, checked.
          await this.repo.abandonBulkStream(stream);
        }
      }
      const { staged, rejected } = await this.repo.rejectBulkDuplicates(type);
      for (const r of rejected) await this.reject(r);
      if (staged > 0) {
        try {
          await this.applyBulk(type, await this.sql.transaction(() => this.repo.writeBulk(type, this.ctx.system, staged, this.ctx.partnerId)));
        } catch (error) {
          if (!isDataError(error)) throw error;
          // The database refused something validation let through: write the stage the ordinary way, halving
          // around the refused rows so the rest still loads.
          const { min, max } = await this.repo.bulkRowNumbers(type);
          await this.writeBulkRange(type, min, max);
        }
      }
      await this.repo.dropBulkStage(type);
    }
  }

  private async applyBulk(type: RecordType, c: WriteCounts & { table: string; rebuilt: boolean }): Promise<void> {
    await this.applyCounts(type, c);
    if (c.rebuilt && !this.summary.rebuilt.includes(c.table)) this.summary.rebuilt.push(c.table);
  }

  private async writeBulkRange(type: RecordType, from: number, to: number): Promise<void> {
    let c: WriteCounts;
    try {
      c = await this.sql.transaction(() => this.repo.writeBulkRange(type, this.ctx.system, from, to, this.ctx.partnerId));
    } catch (error) {
      if (!isDataError(error)) throw error;
      if (from >= to) {
        const row = await this.repo.bulkRow(type, from);
        if (row) await this.reject({ file: row._file, line: row._line, type, key: row.source_key, reason: `database refused the record: ${(error as Error).message}` });
        return;
      }
      const mid = Math.floor((from + to) / 2);
      await this.writeBulkRange(type, from, mid);
      await this.writeBulkRange(type, mid + 1, to);
      return;
    }
    await this.applyCounts(type, c);
  }

  private async applyCounts(type: RecordType, c: WriteCounts): Promise<void> {
    const t = this.counts(type);
    t.inserted += c.inserted;
    t.updated += c.updated;
    t.unchanged += c.unchanged;
    t.pending += c.parked;
    this.summary.inserted += c.inserted;
    this.summary.updated += c.updated;
    this.summary.unchanged += c.unchanged;
    this.summary.pending += c.parked;
    for (const r of c.rejected) await this.reject(r);
  }

  /**
   * Takes one item. Returns a promise only when there is something to wait for (a rejection to write, a full
   * batch to hand over): the ingestion loop awaits nothing for most records.
   */
  push(item: SourceItem): Promise<void> | undefined {
    this.summary.read += 1;
    if (item.rejection) return this.reject(item.rejection);
    const result = validateRecord(item.raw!, item.file, item.line, this.ctx.validation);
    if ('reason' in result) {
      if (result.type) this.counts(result.type as RecordType).read += 1;
      return this.reject(result);
    }
    this.counts(result.type).read += 1;
    if (this.bulkTypes.includes(result.type)) {
      // The bulk stage numbers its rows by line (IngestionRepository.createBulkStage).
      const last = this.lastBulkLine.get(result.type) ?? 0;
      if (result.line <= last) throw new Error(`internal error: ${result.type} at ${result.file}:${result.line} staged after line ${last}; a bulk load takes one record a line, in file order`);
      this.lastBulkLine.set(result.type, result.line);
      this.staged.add(result);
    } else this.batch.push(result);
    if (this.batch.length + this.staged.rows >= this.ctx.batchSize) return this.handOver();
    return undefined;
  }

  /**
   * Takes a parsed chunk (parseNdjsonChunk, on PostgreSQL with this pipeline's bulk types): the same counts,
   * rejections and writes as pushing its items one by one.
   */
  async pushParsed(chunk: ParsedChunk): Promise<void> {
    this.summary.read += chunk.read;
    for (const [type, n] of Object.entries(chunk.reads) as [RecordType, number][]) this.counts(type).read += n;
    let record = 0;
    let rejection = 0;
    let purchases = 0;
    /** Per copy entry: lines counted into the batch so far, and lines already handed to the stage. */
    const counted = chunk.copy.map(() => 0);
    const handed = chunk.copy.map(() => 0);
    let pending = 0;
    const stage = () => {
      chunk.copy.forEach(({ type, text, ends, lines }, k) => {
        if (counted[k] === handed[k]) return;
        const from = handed[k] === 0 ? 0 : ends[handed[k] - 1];
        this.staged.addText(type, counted[k] - handed[k], [text.subarray(from, ends[counted[k] - 1])], lines[counted[k] - 1]);
        if (type === 'purchase') {
          this.staged.implicitKeys.push(...chunk.implicitKeys.slice(purchases, purchases + counted[k] - handed[k]));
          purchases += counted[k] - handed[k];
        }
        handed[k] = counted[k];
      });
      pending = 0;
    };
    for (const code of chunk.order) {
      if (code === NEXT_REJECTION) {
        await this.reject(chunk.rejections[rejection++]);
        continue;
      }
      if (code === NEXT_RECORD) this.batch.push(chunk.records[record++]);
      else {
        counted[code] += 1;
        pending += 1;
      }
      if (this.batch.length + this.staged.rows + pending >= this.ctx.batchSize) {
        stage();
        await this.handOver();
      }
    }
    stage();
  }

  /** The record types this pipeline stages as COPY text (a bulk load on PostgreSQL), for parseNdjsonChunk. */
  get copyTextTypes(): readonly RecordType[] {
    return this.sql.canCopy ? this.bulkTypes : [];
  }

  /** Writes the full batch while the next one is read and validated: Node parses as PostgreSQL writes. */
  private async handOver(): Promise<void> {
    const batch = this.batch;
    const staged = this.staged;
    this.batch = [];
    this.staged = new StagedRecords(this.sql.canCopy);
    await this.inFlight;
    this.inFlight = this.writeBatch(batch, staged);
    // Marked handled here; the error still surfaces at the next await of inFlight.
    this.inFlight.catch(() => undefined);
  }

  /** Waits for the batch in flight, then writes what is left. */
  async flush(): Promise<void> {
    const inFlight = this.inFlight;
    this.inFlight = undefined;
    await inFlight;
    if (this.batch.length === 0 && this.staged.rows === 0) return;
    const batch = this.batch;
    const staged = this.staged;
    this.batch = [];
    this.staged = new StagedRecords(this.sql.canCopy);
    await this.writeBatch(batch, staged);
  }

  async finish(): Promise<IngestSummary> {
    await this.flush();
    this.summary.stillPending = await this.repo.pendingCount(this.ctx.system);
    return this.summary;
  }

  private async writeBatch(batch: ValidRecord[], staged: StagedRecords): Promise<void> {
    if (batch.length) await this.writeRecords(batch);
    if (staged.rows) await this.writeStaged(staged);
    this.ctx.onBatchCommitted?.(batch.length + staged.rows, this.summary);
  }

  /** Bulk load: purchases' partner customers are resolved now; the records join the file's bulk stage. */
  private async writeStaged(staged: StagedRecords): Promise<void> {
    if (staged.implicitKeys.length) {
      const c = await this.sql.transaction(() => this.identity.resolveCustomers(this.sql, this.ctx.system, [], staged.implicitKeys));
      await this.applyCounts('customer', { inserted: c.inserted, updated: c.updated, unchanged: c.unchanged, parked: 0, rejected: [] });
      this.summary.customersCreated += c.customersCreated;
      this.summary.customersMerged += c.customersMerged;
    }
    for (const [type, records] of staged.records) await this.appendRecords(type, records);
  }

  /**
   * Records into the bulk stage in one statement (COPY on PostgreSQL). When the database refuses the COPY (a
   * value validation let through), the records go again a half at a time until the refused one is alone.
   */
  private async appendRecords(type: RecordType, records: ValidRecord[] | CopyText): Promise<void> {
    const stream = this.streams.get(type);
    // Staged and, streaming, inserted in the same savepoint: a refused row takes neither with it.
    const append = async (part: ValidRecord[] | CopyText | string[]) => {
      await this.repo.appendBulk(type, part);
      if (!stream) return undefined;
      // Parts come in file order: the last record's line is the highest.
      const last = part instanceof CopyText ? part.lastLine : typeof part[0] === 'string' ? copyLineOrigin(type, part.at(-1) as string).line : (part.at(-1) as ValidRecord).line;
      return this.repo.streamBulk(type, this.ctx.system, stream, part instanceof CopyText ? part.rows : part.length, last, this.ctx.partnerId);
    };
    const done = async (progress: Awaited<ReturnType<typeof append>>) => {
      if (stream && progress) Object.assign(stream, progress);
    };
    if (Array.isArray(records)) return this.writeHalving(records, append, done);
    try {
      await done(await this.sql.transaction(() => append(records)));
    } catch (error) {
      if (!isDataError(error)) throw error;
      await this.writeHalving(records.lines(), append, done, (line) => copyLineOrigin(type, line));
    }
  }

  private writeRecords(batch: ValidRecord[]): Promise<void> {
    return this.writeHalving(batch, (part) => this.writeInTransaction(part), (result) => this.applyBatch(result));
  }

  /**
   * Runs write over the records in a transaction (a savepoint in a bulk load), then done with its result. When
   * the database refuses the data (validation should have caught it), halves the records until the refused
   * one is alone and rejects it, so the rest still loads.
   */
  private async writeHalving<R, T>(
    records: R[],
    write: (part: R[]) => Promise<T>,
    done: (result: T) => Promise<void>,
    origin: (r: R) => Pick<Rejection, 'file' | 'line' | 'type' | 'key'> = (r) => r as unknown as ValidRecord,
  ): Promise<void> {
    let result: T;
    try {
      result = await this.sql.transaction(() => write(records));
    } catch (error) {
      if (!isDataError(error)) throw error;
      if (records.length === 1) {
        const { file, line, type, key } = origin(records[0]);
        await this.reject({ file, line, type, key, reason: `database refused the record: ${(error as Error).message}` });
        return;
      }
      const mid = records.length >> 1;
      await this.writeHalving(records.slice(0, mid), write, done, origin);
      await this.writeHalving(records.slice(mid), write, done, origin);
      return;
    }
    await done(result);
  }

  private async applyBatch(result: BatchResult): Promise<void> {
    for (const [type, c] of result.counts) await this.applyCounts(type, { ...c, rejected: [] });
    this.summary.customersCreated += result.created;
    this.summary.customersMerged += result.merged;
    this.summary.promoted += result.promoted;
    for (const r of result.rejected) await this.reject(r);
  }

  private async writeInTransaction(batch: ValidRecord[]): Promise<BatchResult> {
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

/** What one batch's transaction wrote. */
interface BatchResult {
  counts: Map<RecordType, WriteCounts>;
  created: number;
  merged: number;
  promoted: number;
  rejected: Rejection[];
}

/**
 * A batch's records of the BULK_TYPES on their way to the file's bulk stage. On PostgreSQL each is rendered
 * as its line of COPY text on arrival, and the text kept in 64 KB buffers: a batch then holds a few buffers
 * outside the JavaScript heap instead of tens of thousands of records or strings that the garbage collector
 * would promote and trace (a third of a 1 000 000-row load's CPU before).
 */
class StagedRecords {
  readonly records = new Map<RecordType, ValidRecord[] | CopyText>();
  /** Partner customer references of staged purchases, resolved before the purchases are staged. */
  readonly implicitKeys: string[] = [];
  rows = 0;

  constructor(private readonly asCopyText: boolean) {}

  /** A parse worker's COPY text for one type (asCopyText only). */
  addText(type: RecordType, rows: number, buffers: readonly Uint8Array[], lastLine: number): void {
    this.rows += rows;
    let into = this.records.get(type);
    if (!into) this.records.set(type, (into = new CopyText()));
    (into as CopyText).addBuffers(buffers, rows);
    (into as CopyText).lastLine = lastLine;
  }

  add(r: ValidRecord): void {
    this.rows += 1;
    if (r.type === 'purchase') this.implicitKeys.push(r.values.customerKey as string);
    let into = this.records.get(r.type);
    if (!into) this.records.set(r.type, (into = this.asCopyText ? new CopyText() : []));
    if (Array.isArray(into)) into.push(r);
    else {
      into.add(bulkCopyLine(r));
      into.lastLine = r.line;
    }
  }
}

/** Where a staged line of COPY text came from (its source_key, _file and _line columns), for a rejection. */
function copyLineOrigin(type: RecordType, line: string): Pick<Rejection, 'file' | 'line' | 'type' | 'key'> {
  const [key, file, lineNo] = line.split('\t', 3).map(unescapeCopy);
  return { file: file ?? '', line: Number(lineNo), type, key: key ?? undefined };
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
