import pino, { Logger } from 'pino';

export type { Logger };

/** Structured JSON logs. Secrets are redacted wherever they might appear in a logged object. */
export function createLogger(level = 'info'): Logger {
  return pino({
    level,
    base: { service: 'fattail' },
    redact: {
      paths: ['databaseUrl', 'req.headers.authorization', 'req.headers["x-api-key"]', '*.password', 'password'],
      censor: '[redacted]',
    },
  });
}
