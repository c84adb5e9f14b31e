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
  dataDir: string;
  migrateOnStart: boolean;
  seedOnFirstStart: boolean;
  seedCustomers: number;
  logLevel: string;
  maxPageSize: number;
  shutdownTimeoutMs: number;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const e = cleanEnv(
    env,
    {
      NODE_ENV: str({ choices: ['development', 'production', 'test'], default: 'development' }),
      PORT: portOrZero({ default: 4000 }),
      HOST: str({ default: '127.0.0.1', desc: 'interface to listen on; 0.0.0.0 for all' }),
      DATABASE_URL: url({ default: undefined, desc: 'PostgreSQL URL; unset = embedded PGlite' }),
      FATTAIL_DATA_DIR: str({ default: './.data', desc: 'where the embedded database lives' }),
      FATTAIL_MIGRATE_ON_START: bool({ default: true }),
      FATTAIL_SEED_ON_FIRST_START: bool({ default: true, desc: 'seed the demo bank into an empty embedded database' }),
      FATTAIL_SEED_CUSTOMERS: num({ default: 2000 }),
      LOG_LEVEL: str({ choices: ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], default: 'info' }),
      FATTAIL_SHUTDOWN_TIMEOUT_MS: num({ default: 10_000 }),
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
  return {
    nodeEnv: e.NODE_ENV,
    port: e.PORT,
    host: e.HOST,
    databaseUrl: e.DATABASE_URL || undefined,
    dataDir: e.FATTAIL_DATA_DIR,
    migrateOnStart: e.FATTAIL_MIGRATE_ON_START,
    seedOnFirstStart: e.FATTAIL_SEED_ON_FIRST_START,
    seedCustomers: e.FATTAIL_SEED_CUSTOMERS,
    logLevel: e.LOG_LEVEL,
    maxPageSize: 100,
    shutdownTimeoutMs: e.FATTAIL_SHUTDOWN_TIMEOUT_MS,
  };
}
