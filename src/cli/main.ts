import 'reflect-metadata';
import { Command } from 'commander';
import { registerMigrateCommand } from './commands/migrate.command';
import { registerIngestCommand } from './commands/ingest.command';
import { registerInteractionsCommand } from './commands/interactions.command';
import { registerKeysCommand } from './commands/keys.command';
import { registerSchemaCommand } from './commands/schema.command';
import { registerSeedCommand } from './commands/seed.command';
import { registerSegmentsCommand } from './commands/segments.command';
import { registerClvCommand } from './commands/clv.command';
import { registerServeCommand } from './commands/serve.command';

// Each command lives in ./commands/<name>.command.ts and exports register<Name>Command(program).
const program = new Command('fattail').description('Fattail customer-graph platform').showHelpAfterError();
registerMigrateCommand(program);
registerIngestCommand(program);
registerInteractionsCommand(program);
registerKeysCommand(program);
registerSchemaCommand(program);
registerSeedCommand(program);
registerSegmentsCommand(program);
registerClvCommand(program);
registerServeCommand(program);

program.parseAsync(process.argv).catch((error: unknown) => {
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`fattail: ${message}\n`);
  process.exitCode = 1;
});
