import { Command } from 'commander';
import { registerIngestCommand } from '../../../src/cli/commands/ingest.command';

/** Parses `fattail ingest` arguments up to the action, which never runs: every case here is refused first. */
function refusal(args: string[]): string {
  const program = new Command().exitOverride().configureOutput({ writeErr: () => undefined, writeOut: () => undefined });
  registerIngestCommand(program);
  for (const c of program.commands) c.exitOverride().configureOutput({ writeErr: () => undefined });
  try {
    program.parse(['node', 'fattail', 'ingest', '--source', 'core-banking', ...args, 'file.ndjson']);
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('the arguments were accepted');
}

describe('fattail ingest --parse-workers', () => {
  it.each(['-1', 'two', '1.5', '65', ''])('refuses %p', (value) => {
    expect(refusal(['--bulk', '--parse-workers', value])).toMatch(/option '--parse-workers <n>' argument '.*' is invalid\. expected a whole number from 0 to 64/);
  });
});
