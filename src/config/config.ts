import { bool, cleanEnv, makeValidator, num, str, url } from 'envalid';

// envalid's port() refuses 0; 0 (any free port) is what tests and tools ask for.
const portOrZero = makeValidator<number>((input) => {
  const n = Number(input);
  if (!/^\d+$/.test(String(input)) || n > 65535) throw new Error(`Invalid port: "${input}"`);
  return n;
});

/**
 * The one validated view of the environment. Read once at start-up (`loadConfig`), passed down explicitly.
 * envalid was picked over hand-rolled parsing: it names every bad variable at once and refuses to start.
 */
export interface AppConfig {
  nodeEnv: 'development' | 'production' | 'test';
  port: number;
  host: string;
  /** Unset: embedded PGlite under dataDir. Set: that PostgreSQL. Secret: never logged. */
  databaseUrl: string | undefined;
  /** Streaming replicas that serve reads. Secrets: never logged. */
  replicaUrls: string[];
  dataDir: string;
  migrateOnStart: boolean;
  seedOnFirstStart: boolean;
  seedCustomers: number;
  logLevel: string;
  maxPageSize: number;
  shutdownTimeoutMs: number;
  /** open: no key needed (local demo only); required: every request needs an API key. */
  authMode: 'open' | 'required';
  /** Secret that keys the stored API-key hashes. Never logged. */
  keyPepper: string;
  keyPepperIsDevDefault: boolean;
  redisUrl: string | undefined;
  rateLimitPerMinute: number;
  partnerRateLimitPerMinute: number;
  maxQueryDepth: number;
  maxQueryCost: number;
  bodyLimit: string;
  tracing: 'off' | 'console';
  compiledReads: boolean;
}

/** Defaults of the request limits, shared by the environment and by createApp (tests, tools). */
export const DEFAULT_LIMITS = {
  rateLimitPerMinute: 600,
  partnerRateLimitPerMinute: 120,
  maxQueryDepth: 12,
  maxQueryCost: 100_000,
  bodyLimit: '256kb',
} as const;

export const DEV_KEY_PEPPER = 'fattail-local-development-pepper-not-for-production';

/**
 * The server and key management need the real pepper outside the local demo; commands that never touch
 * keys (migrate, seed, ingest) do not, so this is checked where keys are used, not at every load.
 */
export function assertKeyPepper(config: AppConfig): void {
  if (config.keyPepperIsDevDefault && (config.databaseUrl || config.nodeEnv === 'production')) {
    throw new Error('Invalid environment:\n  FATTAIL_KEY_PEPPER: required with DATABASE_URL or in production (a long random secret)');
  }
}

function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\./.test(host);
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const e = cleanEnv(
    env,
    {
      NODE_ENV: str({ choices: ['development', 'production', 'test'], default: 'development' }),
      PORT: portOrZero({ default: 4000 }),
      HOST: str({ default: '127.0.0.1', desc: 'interface to listen on; 0.0.0.0 for all' }),
      DATABASE_URL: url({ default: undefined, desc: 'PostgreSQL URL; unset = embedded PGlite' }),
      DATABASE_REPLICA_URLS: str({ default: '', desc: 'comma-separated PostgreSQL read replica URLs' }),
      FATTAIL_DATA_DIR: str({ default: './.data', desc: 'where the embedded database lives' }),
      FATTAIL_MIGRATE_ON_START: bool({ default: true }),
      FATTAIL_SEED_ON_FIRST_START: bool({ default: true, desc: 'seed the demo bank into an empty embedded database' }),
      FATTAIL_SEED_CUSTOMERS: num({ default: 2000 }),
      LOG_LEVEL: str({ choices: ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], default: 'info' }),
      FATTAIL_SHUTDOWN_TIMEOUT_MS: num({ default: 10_000 }),
      FATTAIL_AUTH: str({ choices: ['auto', 'required', 'open'], default: 'auto', desc: 'auto: open only for the local embedded demo' }),
      FATTAIL_KEY_PEPPER: str({ default: '', desc: 'secret keying API-key hashes; required with DATABASE_URL or in production' }),
      REDIS_URL: url({ default: undefined, desc: 'Redis for limits shared across processes' }),
      FATTAIL_RATE_LIMIT_PER_MINUTE: num({ default: DEFAULT_LIMITS.rateLimitPerMinute }),
      FATTAIL_PARTNER_RATE_LIMIT_PER_MINUTE: num({ default: DEFAULT_LIMITS.partnerRateLimitPerMinute }),
      FATTAIL_MAX_QUERY_DEPTH: num({ default: DEFAULT_LIMITS.maxQueryDepth }),
      FATTAIL_MAX_QUERY_COST: num({ default: DEFAULT_LIMITS.maxQueryCost }),
      FATTAIL_BODY_LIMIT: str({ default: DEFAULT_LIMITS.bodyLimit }),
      FATTAIL_COMPILED_READS: bool({ default: true, desc: 'answer fully covered queries with one compiled SQL statement' }),
      FATTAIL_TRACING: str({ choices: ['off', 'console'], default: 'off', desc: 'console: print OpenTelemetry spans; or register your own SDK' }),
    },
    {
      reporter: ({ errors }) => {
        const names = Object.keys(errors);
        if (names.length > 0) {
          const lines = names.map((name) => `  ${name}: ${(errors as Record<string, Error>)[name].message}`);
          throw new Error(`Invalid environment:\n${lines.join('\n')}`);
        }
      },
    },
  );
  const databaseUrl = e.DATABASE_URL || undefined;
  const replicaUrls = e.DATABASE_REPLICA_URLS.split(',').map((u) => u.trim()).filter(Boolean);
  for (const replica of replicaUrls) {
    if (!/^postgres(ql)?:\/\//.test(replica)) throw new Error('Invalid environment:\n  DATABASE_REPLICA_URLS: each entry must be a postgresql:// URL');
  }
  if (replicaUrls.length && !databaseUrl) throw new Error('Invalid environment:\n  DATABASE_REPLICA_URLS: replicas need DATABASE_URL (the primary)');
  // Running open is allowed only for the local demo: embedded database, loopback, not production.
  const openAllowed = !databaseUrl && isLoopback(e.HOST) && e.NODE_ENV !== 'production';
  if (e.FATTAIL_AUTH === 'open' && !openAllowed) {
    throw new Error('Invalid environment:\n  FATTAIL_AUTH: refusing to run open; open mode is only for the embedded demo on a loopback address outside production');
  }
  const authMode = e.FATTAIL_AUTH === 'auto' ? (openAllowed ? 'open' : 'required') : e.FATTAIL_AUTH;
  return {
    nodeEnv: e.NODE_ENV,
    port: e.PORT,
    host: e.HOST,
    databaseUrl,
    replicaUrls,
    dataDir: e.FATTAIL_DATA_DIR,
    migrateOnStart: e.FATTAIL_MIGRATE_ON_START,
    seedOnFirstStart: e.FATTAIL_SEED_ON_FIRST_START,
    seedCustomers: e.FATTAIL_SEED_CUSTOMERS,
    logLevel: e.LOG_LEVEL,
    maxPageSize: 100,
    shutdownTimeoutMs: e.FATTAIL_SHUTDOWN_TIMEOUT_MS,
    authMode,
    keyPepper: e.FATTAIL_KEY_PEPPER || DEV_KEY_PEPPER,
    keyPepperIsDevDefault: !e.FATTAIL_KEY_PEPPER,
    redisUrl: e.REDIS_URL || undefined,
    rateLimitPerMinute: e.FATTAIL_RATE_LIMIT_PER_MINUTE,
    partnerRateLimitPerMinute: e.FATTAIL_PARTNER_RATE_LIMIT_PER_MINUTE,
    maxQueryDepth: e.FATTAIL_MAX_QUERY_DEPTH,
    maxQueryCost: e.FATTAIL_MAX_QUERY_COST,
    bodyLimit: e.FATTAIL_BODY_LIMIT,
    tracing: e.FATTAIL_TRACING as 'off' | 'console',
    compiledReads: e.FATTAIL_COMPILED_READS,
  };
}
