import autocannon from 'autocannon';
import { CpuPerRequest } from './cpu';

/** What one request sends: the same JSON body goes to Fattail (/graphql) and to the floor. */
export interface RequestPlan {
  /** Bodies cycled through in order, restarting at the first one for every run so both servers see the same sequence. */
  bodies: string[];
  headers: Record<string, string>;
}

export interface LoadResult {
  requestsPerSecond: number;
  requests: number;
  latencyMs: { p50: number; p90: number; p99: number; max: number; mean: number };
  non2xx: number;
  errors: number;
  timeouts: number;
  /** 2xx answers whose body carried GraphQL errors (Apollo answers 200 to most of them). */
  graphqlErrors: number;
  seconds: number;
  /** Filled in by run.ts from /proc: the server's Node process and its PostgreSQL backends. */
  cpuPerRequest?: CpuPerRequest;
}

export async function runLoad(url: string, plan: RequestPlan, connections: number, durationSeconds: number): Promise<LoadResult> {
  let next = 0;
  const result = await autocannon({
    url,
    connections,
    duration: durationSeconds,
    timeout: 30,
    method: 'POST',
    headers: { 'content-type': 'application/json', ...plan.headers },
    body: plan.bodies[0],
    requests:
      plan.bodies.length > 1
        ? [{ setupRequest: (request) => ({ ...request, body: plan.bodies[next++ % plan.bodies.length] }) }]
        : undefined,
    // A server that answers fast with an error must not look fast; both servers pay for this check equally.
    verifyBody: (body) => !body.includes('"errors":['),
  });
  return {
    requestsPerSecond: result.requests.total / result.duration,
    requests: result.requests.total,
    latencyMs: {
      p50: result.latency.p50,
      p90: result.latency.p90,
      p99: result.latency.p99,
      max: result.latency.max,
      mean: result.latency.mean,
    },
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    graphqlErrors: result.mismatches,
    seconds: result.duration,
  };
}
