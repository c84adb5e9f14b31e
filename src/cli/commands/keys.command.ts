import { Command } from 'commander';
import { assertKeyPepper, loadConfig } from '../../config/config';
import { migrate, openDatabase } from '../../database/database';
import { AccessRepository } from '../../modules/access/access.repository';
import { ApiKeyService } from '../../modules/access/api-key.service';
import { Role, ROLES } from '../../modules/access/principal';

type Out = (line: string) => void;

async function withKeys<T>(fn: (keys: ApiKeyService) => Promise<T>): Promise<T> {
  const config = loadConfig();
  assertKeyPepper(config);
  const db = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  try {
    await migrate(db.dataSource);
    return await fn(new ApiKeyService(db.dataSource, new AccessRepository(db.dataSource), config.keyPepper));
  } finally {
    await db.close();
  }
}

export interface CreateKeyArgs {
  name: string;
  role: string;
  partner?: string;
  scopes?: string;
  expires?: string;
}

/** Prints the key's details, then the secret alone on the last line (so scripts can `tail -1`). */
export async function createKey(keys: ApiKeyService, args: CreateKeyArgs, out: Out): Promise<void> {
  const role = args.role.toUpperCase() as Role;
  if (!ROLES.includes(role)) throw new Error(`--role must be one of ${ROLES.map((r) => r.toLowerCase()).join(', ')}`);
  const expiresAt = args.expires ? new Date(args.expires) : null;
  if (expiresAt && Number.isNaN(expiresAt.getTime())) throw new Error(`--expires: "${args.expires}" is not a date (use ISO 8601, e.g. 2027-01-31)`);
  const scopes = args.scopes ? args.scopes.split(',').map((s) => s.trim()).filter(Boolean) : [];
  const { key, plaintext } = await keys.create({ name: args.name, role, partnerCode: args.partner ?? null, scopes, expiresAt });
  out(`created API key ${key.id} "${key.name}" role=${key.role}${key.partnerCode ? ` partner=${key.partnerCode}` : ''}${key.scopes.length ? ` scopes=${key.scopes.join(',')}` : ''}${key.expiresAt ? ` expires=${key.expiresAt.toISOString()}` : ''}`);
  out('store the key now: it is shown once and only its hash is kept');
  out(plaintext);
}

export function registerKeysCommand(program: Command): void {
  const keys = program.command('keys').description('manage API keys');
  const out: Out = (line) => process.stdout.write(`${line}\n`);
  keys
    .command('create')
    .requiredOption('--name <name>', 'who or what the key is for')
    .requiredOption('--role <role>', `one of ${ROLES.map((r) => r.toLowerCase()).join('|')}`)
    .option('--partner <code>', 'partner code (partner keys)')
    .option('--scopes <list>', 'comma-separated extra scopes, e.g. pii')
    .option('--expires <date>', 'expiry, ISO 8601')
    .action((args: CreateKeyArgs) => withKeys((k) => createKey(k, args, out)));
  keys.command('list').action(() =>
    withKeys(async (k) => {
      for (const key of await k.list()) {
        const state = key.revokedAt ? 'revoked' : key.expiresAt && key.expiresAt <= new Date() ? 'expired' : 'active';
        out(`${key.id}\t${key.keyPrefix}\t${key.role}\t${key.partnerCode ?? '-'}\t${state}\t${key.name}\tlast used ${key.lastUsedAt?.toISOString() ?? 'never'}`);
      }
    }),
  );
  keys
    .command('revoke <id>')
    .action((id: string) => withKeys(async (k) => out(`revoked key ${(await k.revoke(id)).id}`)));
  keys
    .command('rotate <id>')
    .option('--overlap <seconds>', 'how long the old key keeps working', '86400')
    .action((id: string, opts: { overlap: string }) =>
      withKeys(async (k) => {
        const { key, plaintext } = await k.rotate(id, Number(opts.overlap));
        out(`rotated key ${id} -> ${key.id}; the old key stops working in ${opts.overlap}s`);
        out(plaintext);
      }),
    );
}
