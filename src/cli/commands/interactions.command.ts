import { createWriteStream } from 'node:fs';
import path from 'node:path';
import { Command, Option } from 'commander';
import { loadConfig } from '../../config/config';
import { migrate, openDatabase } from '../../database/database';
import { readCsv } from '../../ingestion/formats/csv.format';
import { readNdjson } from '../../ingestion/formats/ndjson.format';
import { SourceItem } from '../../ingestion/records';
import { createServiceHistoryRepositories, createServiceHistoryServices } from '../../modules/service-history/service-history.context';
import { ServiceHistoryService } from '../../modules/service-history/service-history.service';

/** Records per recordInteractions call: one set-based upsert each. */
const BATCH = 1_000;

export interface InteractionFileSummary {
  read: number;
  inserted: number;
  updated: number;
  unchanged: number;
  rejected: number;
}

export interface InteractionRejection {
  file: string;
  line: number;
  sourceKey?: string | null;
  field?: string;
  reason: string;
}

/**
 * Loads canonical interaction files (NDJSON or CSV, docs/service-history.md) through
 * ServiceHistoryService.recordInteractions, in batches. The src/ingestion pipeline has no extension point for
 * a record type that is not a customer, account or child of one yet, so interactions come in through here;
 * the format readers are shared with it.
 */
export async function loadInteractionFiles(
  service: ServiceHistoryService,
  paths: readonly string[],
  reject: (r: InteractionRejection) => void,
): Promise<InteractionFileSummary> {
  const summary: InteractionFileSummary = { read: 0, inserted: 0, updated: 0, unchanged: 0, rejected: 0 };
  let batch: SourceItem[] = [];
  const flush = async () => {
    if (batch.length === 0) return;
    const items = batch;
    batch = [];
    const result = await service.recordInteractions(items.map((i) => i.raw!));
    summary.inserted += result.inserted;
    summary.updated += result.updated;
    summary.unchanged += result.unchanged;
    summary.rejected += result.rejected.length;
    for (const r of result.rejected) reject({ file: items[r.index].file, line: items[r.index].line, sourceKey: r.sourceKey, field: r.field, reason: r.reason });
  };
  for (const file of paths) {
    const read = file.toLowerCase().endsWith('.csv') ? readCsv(file) : readNdjson(file);
    for await (const item of read) {
      summary.read += 1;
      if (item.rejection) {
        summary.rejected += 1;
        reject({ file: item.file, line: item.line, reason: item.rejection.reason, field: item.rejection.field });
        continue;
      }
      batch.push(item);
      if (batch.length >= BATCH) await flush();
    }
    // Batches do not span files, so a line number always refers to the file named beside it.
    await flush();
  }
  return summary;
}

export function registerInteractionsCommand(program: Command): void {
  program
    .command('interactions')
    .description('load interactions (canonical NDJSON or CSV, see docs/service-history.md); re-loading a file changes nothing')
    .addOption(new Option('--rejects <file>', 'NDJSON file for rejected records').default('interactions.rejects.ndjson'))
    .argument('<paths...>', '.ndjson/.jsonl or .csv files')
    .action(async (paths: string[], opts: { rejects: string }) => {
      const config = loadConfig();
      const db = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, applicationName: 'fattail-interactions' });
      const sink = createWriteStream(path.resolve(opts.rejects));
      try {
        if (config.migrateOnStart) await migrate(db.dataSource);
        const { serviceHistory } = createServiceHistoryServices(createServiceHistoryRepositories(db.dataSource));
        const s = await loadInteractionFiles(serviceHistory, paths, (r) => sink.write(`${JSON.stringify(r)}\n`));
        process.stdout.write(
          `read ${s.read}, inserted ${s.inserted}, updated ${s.updated}, unchanged ${s.unchanged}, rejected ${s.rejected}` +
            `${s.rejected ? ` (see ${opts.rejects})` : ''}\n`,
        );
      } finally {
        await new Promise((resolve) => sink.end(resolve));
        await db.close();
      }
    });
}
