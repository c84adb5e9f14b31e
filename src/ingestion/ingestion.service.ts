import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { DataSource } from 'typeorm';
import { DomainException, ErrorCode } from '../common/errors';
import { IdentityService } from '../modules/identity/identity.service';
import { berkaFiles, readBerka } from './adapters/berka.adapter';
import { CDNOW_PARTNER, readCdnow } from './adapters/cdnow.adapter';
import { readCsv } from './formats/csv.format';
import { readNdjsonBatches } from './formats/ndjson.format';
import { ByteProgress, FileFormatError, readLineChunks } from './formats/read-lines';
import { IngestionConfig, loadIngestionConfig } from './ingestion.config';
import { IngestionRepository } from './ingestion.repository';
import { parseNdjsonChunk } from './parse-chunk';
import { defaultParseWorkers, ParseWorkers } from './parse-workers';
import { emptySummary, IngestionPipeline, IngestSummary } from './pipeline';
import { Rejection, SOURCE_KINDS, SourceItem, SourceKind, sourceSystemOf, TYPES_BY_SOURCE } from './records';
import { MemoryRejectSink, RejectSink } from './rejects';
import { SqlSession } from './sql-session';
import { ValidationContext } from './validate';

export const INGEST_FORMATS = ['ndjson', 'csv', 'berka', 'cdnow'] as const;
export type IngestFormat = (typeof INGEST_FORMATS)[number];

/** Largest batch the API path takes in one call; bigger loads go through the CLI. */
export const MAX_API_RECORDS = 1_000;

export interface IngestFilesOptions {
  partnerCode?: string;
  format?: IngestFormat;
  rejects: RejectSink;
  progress?: ByteProgress;
  /** Called once the total byte size is known (for a progress bar). */
  onTotalBytes?: (bytes: number) => void;
  onBatchCommitted?: (records: number, summary: IngestSummary) => void;
  /**
   * Bulk load (`fattail ingest --bulk`): the whole load is one transaction, and transactions, sessions and
   * purchases are written per file, set-based, rebuilding the target's indexes when the load outweighs the
   * table. See docs/ingestion.md.
   */
  bulk?: boolean;
  /**
   * Worker threads that parse and validate NDJSON files in a bulk load on PostgreSQL (default: one per CPU,
   * at most 4; 0 parses in the calling thread). Other formats and batched loads parse in the calling thread.
   */
  parseWorkers?: number;
}

export interface IngestRecordsResult extends IngestSummary {
  rejections: Rejection[];
}

export interface DatabaseHandle {
  dataSource: DataSource;
  kind: 'embedded' | 'postgres';
}

/** The format a path implies when --format is not given. */
export function inferFormat(p: string): IngestFormat {
  if (existsSync(p) && statSync(p).isDirectory()) return 'berka';
  const base = path.basename(p).toLowerCase();
  if (base.endsWith('.ndjson') || base.endsWith('.jsonl')) return 'ndjson';
  if (base.endsWith('.csv')) return 'csv';
  if (base.startsWith('cdnow')) return 'cdnow';
  throw new FileFormatError(p, 'cannot tell the format from the name; pass --format ndjson|csv|berka|cdnow');
}

/**
 * Ingestion entry point for the CLI (files, streamed) and for the API (small batches of records). Both run
 * the same pipeline: validate -> stage -> set-based upsert, identity resolution per batch.
 */
export class IngestionService {
  readonly identity: IdentityService;

  constructor(
    private readonly db: DatabaseHandle,
    private readonly config: IngestionConfig = loadIngestionConfig(),
  ) {
    this.identity = new IdentityService(
      { rules: config.matchRules, sourcePriority: config.sourcePriority, hashKey: config.hashKey },
      () => SqlSession.open(db.dataSource, db.kind),
    );
  }

  private validationContext(source: SourceKind): ValidationContext {
    return { allowedTypes: TYPES_BY_SOURCE[source], hashKey: this.config.hashKey, defaultCountry: this.config.defaultCountry };
  }

  private async context(session: SqlSession, source: SourceKind, partnerCode: string | undefined, format: IngestFormat | undefined) {
    if (!SOURCE_KINDS.includes(source)) {
      throw new DomainException(`unknown source ${source}; expected ${SOURCE_KINDS.join(', ')}`, ErrorCode.BAD_USER_INPUT, { field: 'source' });
    }
    if (format === 'cdnow') {
      if (source !== 'partner') throw new DomainException('the cdnow format is partner data: use --source partner', ErrorCode.BAD_USER_INPUT, { field: 'source' });
      partnerCode ??= CDNOW_PARTNER.code;
    }
    if (format === 'berka' && source !== 'core-banking') {
      throw new DomainException('the berka format is core-banking data: use --source core-banking', ErrorCode.BAD_USER_INPUT, { field: 'source' });
    }
    if (source === 'partner' && !partnerCode) throw new DomainException('a partner source needs a partner code', ErrorCode.BAD_USER_INPUT, { field: 'partner' });
    if (partnerCode !== undefined && !/^[a-z0-9][a-z0-9_-]{0,39}$/.test(partnerCode)) {
      throw new DomainException(`partner code ${partnerCode} must be lower-case letters, digits, - or _`, ErrorCode.BAD_USER_INPUT, { field: 'partner' });
    }
    const system = sourceSystemOf(source, partnerCode);
    let partnerId: string | undefined;
    let partnerCreated = false;
    if (source === 'partner') {
      const p = partnerCode === CDNOW_PARTNER.code ? CDNOW_PARTNER : { code: partnerCode!, name: partnerCode!, industry: 'unspecified' };
      const r = await new IngestionRepository(session).ensurePartner(p.code, p.name, p.industry);
      partnerId = r.id;
      partnerCreated = r.created;
    }
    return { system, partnerId, partnerCreated };
  }

  async ingestFiles(source: SourceKind, paths: string[], options: IngestFilesOptions): Promise<IngestSummary> {
    const missing = paths.filter((p) => !existsSync(p));
    if (missing.length) throw new DomainException(`no such file or folder: ${missing.join(', ')}`, ErrorCode.BAD_USER_INPUT, { field: 'paths' });
    const formats = paths.map((p) => options.format ?? inferFormat(p));
    const session = await SqlSession.open(this.db.dataSource, this.db.kind);
    try {
      const { system, partnerId } = await this.context(session, source, options.partnerCode, formats[0]);
      const validation = this.validationContext(source);
      const pipeline = new IngestionPipeline(
        session,
        this.identity,
        {
          system,
          partnerId,
          validation,
          batchSize: this.config.batchSize,
          crossBatchDuplicates: true,
          bulk: options.bulk ?? false,
          onBatchCommitted: options.onBatchCommitted,
        },
        options.rejects,
      );
      options.onTotalBytes?.(paths.reduce((n, p) => n + totalBytes(p, formats[paths.indexOf(p)]), 0));
      // A bulk load on PostgreSQL takes NDJSON a chunk at a time, as COPY text (parseNdjsonChunk), in worker threads.
      const bulkText = (options.bulk ?? false) && session.canCopy;
      const workerCount = options.parseWorkers ?? defaultParseWorkers();
      const workers =
        bulkText && workerCount > 0 && formats.includes('ndjson') ? new ParseWorkers(workerCount, { validation, bulkTypes: pipeline.copyTextTypes }) : undefined;
      const load = async () => {
        if (options.bulk) await new IngestionRepository(session).lockIngestion();
        for (let i = 0; i < paths.length; i++) {
          const format = formats[i];
          await pipeline.startFile();
          try {
            if (workers && format === 'ndjson') {
              await workers.run(paths[i], readLineChunks(paths[i], options.progress), (parsed) => pipeline.pushParsed(parsed));
            } else if (bulkText && format === 'ndjson') {
              // --parse-workers 0: the same chunks, parsed in this thread.
              for await (const chunk of readLineChunks(paths[i], options.progress)) {
                await pipeline.pushParsed(parseNdjsonChunk(paths[i], chunk, validation, pipeline.copyTextTypes));
              }
            } else {
              for await (const items of readerFor(format, paths[i], options.progress)) {
                for (const item of items) {
                  const wait = pipeline.push(item);
                  if (wait) await wait;
                }
              }
            }
            // Records of a file are fully written before the next file's duplicates are tracked afresh.
            await pipeline.endFile();
          } catch (error) {
            if (!(error instanceof FileFormatError)) throw error;
            await pipeline.endFile();
            pipeline.summary.fileErrors.push(error.message);
          }
        }
        return pipeline.finish();
      };
      // A bulk load commits once, at the end: killed at any point, it leaves the database as it found it.
      try {
        return await (options.bulk ? session.transaction(load) : load());
      } finally {
        await workers?.close();
      }
    } finally {
      await session.release();
    }
  }

  /**
   * Small batches from the API: at most MAX_API_RECORDS records, written as one batch. Rejections come back in
   * the result (file "<api>", line = 1-based index in `records`) instead of a file.
   */
  async ingestRecords(source: SourceKind, records: Record<string, unknown>[], options: { partnerCode?: string } = {}): Promise<IngestRecordsResult> {
    if (!Array.isArray(records)) throw new DomainException('records must be a list', ErrorCode.BAD_USER_INPUT, { field: 'records' });
    if (records.length > MAX_API_RECORDS) {
      throw new DomainException(`at most ${MAX_API_RECORDS} records per call (got ${records.length}); use the fattail ingest command for files`, ErrorCode.BAD_USER_INPUT, {
        field: 'records',
        max: MAX_API_RECORDS,
      });
    }
    const sink = new MemoryRejectSink();
    if (records.length === 0) return { ...emptySummary(), rejections: [] };
    const session = await SqlSession.open(this.db.dataSource, this.db.kind);
    try {
      const { system, partnerId } = await this.context(session, source, options.partnerCode, undefined);
      const pipeline = new IngestionPipeline(
        session,
        this.identity,
        {
          system,
          partnerId,
          validation: this.validationContext(source),
          batchSize: MAX_API_RECORDS,
          crossBatchDuplicates: false,
        },
        sink,
      );
      for (let i = 0; i < records.length; i++) {
        const raw = records[i];
        const item: SourceItem =
          raw && typeof raw === 'object' && !Array.isArray(raw)
            ? { file: '<api>', line: i + 1, raw }
            : { file: '<api>', line: i + 1, rejection: { file: '<api>', line: i + 1, reason: 'record is not an object' } };
        await pipeline.push(item);
      }
      const summary = await pipeline.finish();
      return { ...summary, rejections: sink.rejections };
    } finally {
      await session.release();
    }
  }

  unmergeCustomer(mergeId: string) {
    return this.identity.unmergeCustomer(mergeId);
  }
}

/** The file's items, a read chunk at a time. */
function readerFor(format: IngestFormat, p: string, progress?: ByteProgress): AsyncGenerator<SourceItem[]> {
  switch (format) {
    case 'ndjson':
      return readNdjsonBatches(p, progress);
    case 'csv':
      return inBatches(readCsv(p, progress));
    case 'berka':
      return inBatches(readBerka(p, progress));
    case 'cdnow':
      return inBatches(readCdnow(p, progress));
  }
}

/** Groups a reader's items; what was read before a file error is still handed over, then the error. */
async function* inBatches(items: AsyncIterable<SourceItem>, size = 1000): AsyncGenerator<SourceItem[]> {
  let batch: SourceItem[] = [];
  try {
    for await (const item of items) {
      batch.push(item);
      if (batch.length >= size) {
        yield batch;
        batch = [];
      }
    }
  } catch (error) {
    if (batch.length) yield batch;
    throw error;
  }
  if (batch.length) yield batch;
}

function totalBytes(p: string, format: IngestFormat): number {
  try {
    // order.asc is not read, so it is left out of the total the progress bar runs to.
    if (format === 'berka') return berkaFiles(p).filter((f) => !f.endsWith('order.asc')).reduce((n, f) => n + statSync(f).size, 0);
    return statSync(p).size;
  } catch {
    return 0;
  }
}
