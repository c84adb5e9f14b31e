import { AbstractLogger, LogLevel, LogMessage, QueryRunner } from 'typeorm';

/**
 * Counts every SQL statement the application sends. Tests read it to pin statement counts per operation
 * (so an N+1 cannot come back unseen); metrics can read it too. It logs nothing itself.
 */
export class QueryCounter extends AbstractLogger {
  total = 0;
  readonly statements: string[] = [];
  private recording = false;

  override logQuery(query: string, _parameters?: unknown[], _queryRunner?: QueryRunner): void {
    this.total += 1;
    if (this.recording) this.statements.push(query);
  }

  /** Runs fn and returns the statements it issued. Not for concurrent use: tests only. */
  async record<T>(fn: () => Promise<T>): Promise<{ result: T; statements: string[] }> {
    this.statements.length = 0;
    this.recording = true;
    try {
      const result = await fn();
      return { result, statements: [...this.statements] };
    } finally {
      this.recording = false;
    }
  }

  protected writeLog(_level: LogLevel, _message: LogMessage | LogMessage[], _queryRunner?: QueryRunner): void {
    // Errors surface through the callers; counting is all this logger does.
  }
}
