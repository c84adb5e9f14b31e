import { DEFAULT_SOURCE_PRIORITY, MatchRule, parseMatchRules } from '../modules/identity/match-rules';
import { CALLING_CODES, hashKeyFromEnv } from '../modules/identity/normalise';

/**
 * Ingestion settings from the environment, validated once. Kept beside the ingestion code for now; meant to
 * fold into src/config/config.ts (FATTAIL_HASH_KEY is a secret: never log it).
 */
export interface IngestionConfig {
  hashKey: string;
  matchRules: MatchRule[];
  sourcePriority: string[];
  defaultCountry: string;
  batchSize: number;
}

export function loadIngestionConfig(env: NodeJS.ProcessEnv = process.env): IngestionConfig {
  const defaultCountry = (env.FATTAIL_DEFAULT_COUNTRY ?? 'CN').toUpperCase();
  if (!CALLING_CODES[defaultCountry]) {
    throw new Error(`FATTAIL_DEFAULT_COUNTRY ${defaultCountry} is not supported (known: ${Object.keys(CALLING_CODES).join(', ')})`);
  }
  const batchSize = Number(env.FATTAIL_INGEST_BATCH_SIZE ?? 20_000);
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new Error('FATTAIL_INGEST_BATCH_SIZE must be a positive integer');
  const priority = env.FATTAIL_SOURCE_PRIORITY?.split(',').map((s) => s.trim()).filter(Boolean);
  return {
    hashKey: hashKeyFromEnv(env),
    matchRules: parseMatchRules(env.FATTAIL_MATCH_RULES),
    sourcePriority: priority?.length ? priority : [...DEFAULT_SOURCE_PRIORITY],
    defaultCountry,
    batchSize,
  };
}
