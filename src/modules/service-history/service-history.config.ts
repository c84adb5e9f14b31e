import { ContactPolicy, contactPolicyFromEnv } from './contact-policy';

/**
 * Settings of the service-history module, read and validated once when the app starts (createRepositories).
 * Kept beside the module like ingestion.config.ts; meant to fold into src/config/config.ts.
 */
export interface ServiceHistoryConfig {
  contactPolicy: ContactPolicy;
  /** The bank's calendar: annual statements run from 1 January to 1 January in this IANA time zone. */
  statementTimeZone: string;
  /** Assumed cashback on partner spending, as a fraction; per partner code, with a default. */
  cashback: { defaultRate: string; byPartner: Record<string, string> };
}

const RATE = /^(0(\.[0-9]{1,6})?|1(\.0{1,6})?)$/;

function parseCashback(raw: string | undefined): Record<string, string> {
  const byPartner: Record<string, string> = {};
  if (!raw || raw.trim() === '') return byPartner;
  for (const part of raw.split(',')) {
    const [code, rate] = part.split('=').map((s) => s.trim());
    if (!code || !rate || !RATE.test(rate)) {
      throw new Error(`FATTAIL_PARTNER_CASHBACK_RATES: "${part}" is not code=rate with a rate between 0 and 1 (e.g. "shopmall=0.02")`);
    }
    byPartner[code] = rate;
  }
  return byPartner;
}

export function loadServiceHistoryConfig(env: NodeJS.ProcessEnv = process.env): ServiceHistoryConfig {
  const statementTimeZone = env.FATTAIL_STATEMENT_TIME_ZONE?.trim() || 'Asia/Shanghai';
  try {
    new Intl.DateTimeFormat('en', { timeZone: statementTimeZone });
  } catch {
    throw new Error(`FATTAIL_STATEMENT_TIME_ZONE: "${statementTimeZone}" is not an IANA time zone`);
  }
  const defaultRate = env.FATTAIL_PARTNER_CASHBACK_DEFAULT_RATE?.trim() || '0.01';
  if (!RATE.test(defaultRate)) throw new Error(`FATTAIL_PARTNER_CASHBACK_DEFAULT_RATE must be a fraction between 0 and 1; got "${defaultRate}"`);
  return {
    contactPolicy: contactPolicyFromEnv(env),
    statementTimeZone,
    cashback: { defaultRate, byPartner: parseCashback(env.FATTAIL_PARTNER_CASHBACK_RATES) },
  };
}

let processPolicy: ContactPolicy | undefined;

/**
 * The contact policy of this process's environment, for code that has no request context (the filter
 * compiler). The app validates the same settings at start-up (createServiceHistoryRepositories).
 */
export function configuredContactPolicy(): ContactPolicy {
  processPolicy ??= contactPolicyFromEnv(process.env);
  return processPolicy;
}
