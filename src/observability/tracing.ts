import { context, Span, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { ConsoleSpanExporter, InMemorySpanExporter, SimpleSpanProcessor, SpanExporter } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { NextFunction, Request, Response } from 'express';
import { PostgresQueryRunner } from 'typeorm/driver/postgres/PostgresQueryRunner';

/**
 * OpenTelemetry spans: one per HTTP request (named after the GraphQL operation) and one per SQL
 * statement, as its child. Everything goes through @opentelemetry/api, which is a no-op until a tracer
 * provider is registered: by `enableTracing` (FATTAIL_TRACING=console) or by the deployment's own SDK.
 */
export const tracer = trace.getTracer('fattail');

let sqlInstrumented = false;

/** Wraps TypeORM's PostgreSQL query runner (every statement passes through it) in a span. Idempotent. */
export function instrumentSql(): void {
  if (sqlInstrumented) return;
  sqlInstrumented = true;
  const original = PostgresQueryRunner.prototype.query;
  PostgresQueryRunner.prototype.query = function tracedQuery(this: PostgresQueryRunner, ...args: Parameters<typeof original>) {
    return tracedSql(String(args[0]), () => original.apply(this, args));
  } as typeof original;
}

/** Runs one SQL statement inside a `db.query` span when a request span is active (no cost otherwise). */
export function tracedSql<T>(statement: string, run: () => Promise<T>): Promise<T> {
  if (!trace.getActiveSpan()) return run();
  return tracer.startActiveSpan(
    'db.query',
    { kind: SpanKind.CLIENT, attributes: { 'db.system': 'postgresql', 'db.statement': statement.slice(0, 2000) } },
    async (span) => {
      try {
        return await run();
      } catch (error) {
        span.recordException(error as Error);
        span.setStatus({ code: SpanStatusCode.ERROR });
        throw error;
      } finally {
        span.end();
      }
    },
  );
}

export type TracingMode = 'off' | 'console' | 'memory';

/** Registers a tracer provider. `memory` returns the exporter so tests can read the spans. */
export function enableTracing(mode: TracingMode): InMemorySpanExporter | null {
  if (mode === 'off') return null;
  const exporter: SpanExporter = mode === 'memory' ? new InMemorySpanExporter() : new ConsoleSpanExporter();
  const provider = new NodeTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  provider.register();
  instrumentSql();
  return mode === 'memory' ? (exporter as InMemorySpanExporter) : null;
}

/** Express middleware: the request's span is active for everything the request does, SQL included. */
export function requestSpan() {
  return (req: Request, res: Response, next: NextFunction) => {
    const span: Span = tracer.startSpan(`${req.method} ${req.path}`, { kind: SpanKind.SERVER, attributes: { 'http.method': req.method, 'http.route': req.path } });
    res.on('finish', () => {
      span.setAttribute('http.status_code', res.statusCode);
      if (res.statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
      span.end();
    });
    context.with(trace.setSpan(context.active(), span), next);
  };
}
