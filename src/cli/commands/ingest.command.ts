import path from 'node:path';
import { SingleBar, Presets } from 'cli-progress';
import { Command, InvalidArgumentError, Option } from 'commander';
import { limitHeapGrowth } from '../../common/heap';
import { loadConfig } from '../../config/config';
import { INGEST_SESSION_SETTINGS, migrate, openDatabase } from '../../database/database';
import { IngestSummary } from '../../ingestion/pipeline';
import { INGEST_FORMATS, IngestFormat, IngestionService } from '../../ingestion/ingestion.service';
import { SOURCE_KINDS, SourceKind } from '../../ingestion/records';
import { FileRejectSink } from '../../ingestion/rejects';

interface IngestOptions {
  source: SourceKind;
  partner?: string;
  format?: IngestFormat;
  rejects?: string;
  verbose?: boolean;
  bulk?: boolean;
  parseWorkers?: number;
}

export function formatSummary(s: IngestSummary, rejectsPath: string): string {
  const lines = [
    `read:               ${s.read}`,
    `inserted:           ${s.inserted}`,
    `updated:            ${s.updated}`,
    `unchanged:          ${s.unchanged}`,
    `rejected:           ${s.rejected}${s.rejected ? ` (see ${rejectsPath})` : ''}`,
    `pending:            ${s.pending} parked this run, ${s.promoted} promoted, ${s.stillPending} still waiting for a parent`,
    `customers created:  ${s.customersCreated}`,
    `customers merged:   ${s.customersMerged}`,
  ];
  for (const [type, c] of Object.entries(s.byType)) {
    if (c.read === 0) continue;
    lines.push(`  ${type.padEnd(16)} read ${c.read}, inserted ${c.inserted}, updated ${c.updated}, unchanged ${c.unchanged}, rejected ${c.rejected}, pending ${c.pending}`);
  }
  if (s.rebuilt.length) lines.push(`bulk load rebuilt the indexes of: ${s.rebuilt.join(', ')}`);
  for (const e of s.fileErrors) lines.push(`FILE ERROR: ${e}`);
  return lines.join('\n') + '\n';
}

function parseWorkerCount(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n > 64) throw new InvalidArgumentError('expected a whole number from 0 to 64');
  return n;
}

export function registerIngestCommand(program: Command): void {
  program
    .command('ingest')
    .description('load source files (streamed, in atomic batches) and resolve customer identities')
    .addOption(new Option('--source <source>', 'source system').choices([...SOURCE_KINDS]).makeOptionMandatory())
    .option('--partner <code>', 'partner code (partner sources; cdnow implies "cdnow")')
    .addOption(new Option('--format <format>', 'input format (default: from the file name; a folder is berka)').choices([...INGEST_FORMATS]))
    .option('--rejects <file>', 'NDJSON file for rejected records (default: <first path>.rejects.ndjson in the current folder)')
    .option('--verbose', 'print a line to stderr after each committed batch')
    .option('--bulk', 'bulk load: one transaction for the whole load; transactions, sessions and purchases written per file, set-based (see docs/ingestion.md)')
    .addOption(
      new Option('--parse-workers <n>', 'with --bulk: threads that parse NDJSON files (default: one per CPU, at most 4; 0 parses in the main thread)').argParser(
        parseWorkerCount,
      ),
    )
    .argument('<paths...>', 'files to load (berka: the folder)')
    .action(async (paths: string[], opts: IngestOptions) => {
      limitHeapGrowth();
      const config = loadConfig();
      const db = await openDatabase({
        databaseUrl: config.databaseUrl,
        dataDir: config.dataDir,
        applicationName: 'fattail-ingest',
        sessionSettings: INGEST_SESSION_SETTINGS,
      });
      const rejectsPath = opts.rejects ?? `${path.basename(paths[0].replace(/[\\/]+$/, ''))}.rejects.ndjson`;
      const sink = new FileRejectSink(rejectsPath);
      const bar = process.stderr.isTTY ? new SingleBar({ format: 'ingest [{bar}] {percentage}% | {value}/{total} bytes | {eta}s left', stream: process.stderr }, Presets.shades_classic) : undefined;
      let done = 0;
      try {
        if (config.migrateOnStart) await migrate(db.dataSource);
        const service = new IngestionService(db);
        const started = Date.now();
        const summary = await service.ingestFiles(opts.source, paths, {
          partnerCode: opts.partner,
          format: opts.format,
          rejects: sink,
          onTotalBytes: (total) => bar?.start(total, 0),
          bulk: opts.bulk,
          parseWorkers: opts.parseWorkers,
          onBatchCommitted: opts.verbose
            ? (n, s) =>
                process.stderr.write(
                  opts.bulk
                    ? `batch written: ${n} records (read ${s.read}; a bulk load commits when it ends)\n`
                    : `batch committed: ${n} records (read ${s.read}, inserted ${s.inserted}, rejected ${s.rejected})\n`,
                )
            : undefined,
          progress: {
            add(bytes) {
              done += bytes;
              bar?.update(done);
            },
          },
        });
        bar?.stop();
        process.stdout.write(formatSummary(summary, rejectsPath));
        process.stdout.write(`elapsed:            ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
        if (summary.fileErrors.length) process.exitCode = 1;
      } finally {
        bar?.stop();
        await sink.close();
        await db.close();
      }
    });
}
