import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../../common/repo-root';
import { Command } from 'commander';
import { printSdl } from '../../graphql/schema';

export const SCHEMA_FILE = join(repoRoot(), 'schema', 'schema.graphql');

export function registerSchemaCommand(program: Command): void {
  program
    .command('schema')
    .description('write the GraphQL SDL to schema/schema.graphql (or print it with --stdout)')
    .option('--stdout', 'print instead of writing the file')
    .action(async (opts: { stdout?: boolean }) => {
      const sdl = await printSdl();
      if (opts.stdout) process.stdout.write(sdl);
      else {
        writeFileSync(SCHEMA_FILE, sdl);
        process.stdout.write(`wrote ${SCHEMA_FILE}\n`);
      }
    });
}
