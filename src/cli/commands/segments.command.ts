import { Command, InvalidArgumentError } from 'commander';
import { loadConfig } from '../../config/config';
import { migrate, openDatabase } from '../../database/database';
import { RefreshResult, SegmentRefreshService } from '../../modules/segment/segment-refresh.service';
import { SegmentRepository } from '../../modules/segment/segment.repository';

interface RefreshOptions {
  every?: number;
  now?: Date;
}

const UNITS: Record<string, number> = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** "90s", "15m", "1h", "1d" in milliseconds; at least a minute, so a schedule cannot hammer the database. */
export function parseInterval(value: string): number {
  const match = /^([1-9][0-9]*)([smhd])$/.exec(value.trim());
  const ms = match ? Number(match[1]) * UNITS[match[2]] : NaN;
  if (!Number.isSafeInteger(ms) || ms < 60_000 || ms > 31 * 86_400_000) {
    throw new InvalidArgumentError('expected an interval from 1m to 31d, e.g. 15m, 1h, 1d');
  }
  return ms;
}

function parseInstant(value: string): Date {
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) throw new InvalidArgumentError('expected an ISO-8601 instant, e.g. 2026-01-31T00:00:00Z');
  return date;
}

export function formatRefresh(r: RefreshResult): string {
  const lines = [
    `refresh ${r.refreshId} as of ${r.asOf.toISOString()}: ${r.segments.length} segments, ${r.entered} entries, ${r.exited} exits, ${(r.elapsedMs / 1000).toFixed(1)} s`,
  ];
  for (const s of r.segments) lines.push(`  ${s.key.padEnd(28)}${String(s.size).padStart(10)} members  +${s.entered} -${s.exited}`);
  return lines.join('\n') + '\n';
}

export function registerSegmentsCommand(program: Command): void {
  const segments = program.command('segments').description('customer segments');
  segments
    .command('refresh')
    .description('recompute every segment in one transaction and record who entered and left')
    .option('--every <interval>', 'keep running and refresh at this interval (1m to 31d, e.g. 1h) until stopped', parseInterval)
    .option('--now <instant>', 'evaluate the definitions at this instant instead of the clock (a single refresh)', parseInstant)
    .action(async (opts: RefreshOptions) => {
      if (opts.every && opts.now) throw new InvalidArgumentError('--now fixes the clock, so it cannot be combined with --every');
      const config = loadConfig();
      const db = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, applicationName: 'fattail-segments' });
      const service = new SegmentRefreshService(new SegmentRepository(db.dataSource));
      let stopping = false;
      let wake: (() => void) | undefined;
      const stop = () => {
        stopping = true;
        wake?.();
      };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
      try {
        if (config.migrateOnStart) await migrate(db.dataSource);
        if (!opts.every) {
          process.stdout.write(formatRefresh(await service.refreshAll({ now: opts.now })));
          return;
        }
        // A failed scheduled refresh changed nothing (one transaction): report it and try again next time.
        while (!stopping) {
          const started = Date.now();
          try {
            process.stdout.write(formatRefresh(await service.refreshAll()));
          } catch (error) {
            process.stderr.write(`fattail: refresh failed, memberships unchanged: ${error instanceof Error ? error.message : String(error)}\n`);
            process.exitCode = 1;
          }
          if (stopping) break;
          const wait = Math.max(0, started + opts.every - Date.now());
          await new Promise<void>((resolve) => {
            const timer = setTimeout(resolve, wait);
            wake = () => {
              clearTimeout(timer);
              resolve();
            };
          });
        }
      } finally {
        process.off('SIGINT', stop);
        process.off('SIGTERM', stop);
        await db.close();
      }
    });
}
