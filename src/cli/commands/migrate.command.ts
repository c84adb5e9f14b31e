import { Command } from 'commander';
import { loadConfig } from '../../config/config';
import { migrate, openDatabase } from '../../database/database';

export function registerMigrateCommand(program: Command): void {
  program
    .command('migrate')
    .description('apply pending migrations to DATABASE_URL (or the embedded database under FATTAIL_DATA_DIR)')
    .option('--revert', 'revert the most recent migration instead')
    .action(async (opts: { revert?: boolean }) => {
      const config = loadConfig();
      const db = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
      try {
        if (opts.revert) {
          await db.dataSource.undoLastMigration({ transaction: 'each' });
          process.stdout.write('reverted the last migration\n');
        } else {
          const applied = await migrate(db.dataSource);
          process.stdout.write(applied.length ? `applied: ${applied.join(', ')}\n` : 'database is up to date\n');
        }
      } finally {
        await db.close();
      }
    });
}
