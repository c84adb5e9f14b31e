import { Logger } from '../../common/logger';
import { AccessRepository, AuditRecord } from './access.repository';

interface Pending {
  record: AuditRecord;
  resolve: () => void;
  reject: (error: unknown) => void;
}

/**
 * Group commit for the audit trail: every request awaits its own record, and records that arrive
 * together are written in one INSERT. Nothing is fire-and-forget, so a record a response was sent for
 * is in the database; if the write fails the caller fails the request instead of losing the record.
 */
export class AuditWriter {
  private queue: Pending[] = [];
  private running: Promise<void> | null = null;

  constructor(
    private readonly repo: AccessRepository,
    private readonly logger: Logger,
    private readonly maxBatch = 500,
    private readonly attempts = 3,
  ) {}

  write(record: AuditRecord): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ record, resolve, reject });
      this.running ??= this.drain().finally(() => {
        this.running = null;
      });
    });
  }

  /** Waits until everything queued so far is written (shutdown). */
  async flush(): Promise<void> {
    while (this.running) await this.running;
  }

  private async drain(): Promise<void> {
    while (this.queue.length > 0) {
      const batch = this.queue.splice(0, this.maxBatch);
      let lastError: unknown;
      for (let attempt = 1; attempt <= this.attempts; attempt++) {
        try {
          await this.repo.insertAudit(batch.map((p) => p.record));
          lastError = undefined;
          break;
        } catch (error) {
          lastError = error;
          await new Promise((r) => setTimeout(r, 25 * attempt));
        }
      }
      if (lastError === undefined) batch.forEach((p) => p.resolve());
      else {
        this.logger.error({ err: lastError, records: batch.length }, 'audit write failed; failing the requests it covers');
        batch.forEach((p) => p.reject(lastError));
      }
    }
  }
}
