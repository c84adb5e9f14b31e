// npm run soak [-- --customers N --seconds S --connections C --reuse]
// Load and fault behaviour of the production server: a soak of S seconds (default 60) at C connections
// (default 64) that must end with zero failed requests, then SIGTERM under load, where every request the
// server accepted before the signal must still be answered. (A database outage under load is covered by
// tests/integration/scale/database-outage.test.ts, which stops a PostgreSQL server of its own.)
import 'reflect-metadata';
import { parseArgs } from 'node:util';
import { startFattail } from './children';
import { runLoad } from './load';
import { LIST_QUERY } from './queries';
import { chooseDatabase, createApiKey, prepareDatabase, sampleCustomerIds } from './setup';

const log = (line: string) => process.stdout.write(`[soak] ${line}\n`);
const PEPPER = 'fattail-soak-pepper';

const PAGE = `query SoakCustomer($id: ID!) { customer(id: $id) { id fullName accounts(first: 5) { edges { node { balance
  transactions(first: 10) { edges { node { amount bookedAt } } } } } } mobileBanking { enrolledAt } } }`;

interface DrainOutcome {
  /** Requests the server accepted before the signal (refused connection attempts excluded). */
  startedBeforeSignal: number;
  answeredBeforeSignal: number;
  failedBeforeSignal: number;
  refusedAfterSignal: number;
  exitCode: number | null;
}

/** Clients fire requests back to back; mid-way the server gets SIGTERM. Requests sent before it must all succeed. */
async function sigtermUnderLoad(url: string, stop: () => Promise<number | null>, key: string, ids: string[], connections: number): Promise<DrainOutcome> {
  let signalled = false;
  const outcome: DrainOutcome = { startedBeforeSignal: 0, answeredBeforeSignal: 0, failedBeforeSignal: 0, refusedAfterSignal: 0, exitCode: null };
  let n = 0;
  const client = async () => {
    while (!signalled || outcome.refusedAfterSignal < connections) {
      const before = !signalled;
      if (before) outcome.startedBeforeSignal++;
      try {
        const res = await fetch(`${url}/graphql`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
          body: JSON.stringify({ query: PAGE, variables: { id: ids[n++ % ids.length] } }),
        });
        const body = await res.text();
        if (before) {
          if (res.status === 200 && !body.includes('"errors":[')) outcome.answeredBeforeSignal++;
          else {
            outcome.failedBeforeSignal++;
            if (process.env.SOAK_DEBUG) log(`request answered ${res.status}: ${body.slice(0, 200)}`);
          }
        }
      } catch (error) {
        // Refused connections were never accepted, whenever they were attempted: that is the listener closing.
        const code = (error as { cause?: { code?: string } }).cause?.code;
        if (process.env.SOAK_DEBUG) log(`request error: ${code} ${(error as Error).message} ${(error as { cause?: Error }).cause?.message}`);
        const refused = code === 'ECONNREFUSED';
        if (before && !refused) outcome.failedBeforeSignal++;
        else {
          outcome.refusedAfterSignal++;
          if (before) outcome.startedBeforeSignal--;
          return;
        }
      }
      if (!before && signalled) return;
    }
  };
  const clients = Array.from({ length: connections }, client);
  await new Promise((r) => setTimeout(r, 3000));
  signalled = true;
  outcome.exitCode = await stop();
  await Promise.all(clients);
  return outcome;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      customers: { type: 'string', default: '10000' },
      seconds: { type: 'string', default: '60' },
      connections: { type: 'string', default: '64' },
      reuse: { type: 'boolean', default: false },
    },
  });
  const customers = Number(values.customers);
  const seconds = Number(values.seconds);
  const connections = Number(values.connections);
  const choice = chooseDatabase(process.env);
  await prepareDatabase(choice, { customers, reuse: values.reuse ?? false, replace: false, log });
  const key = await createApiKey(choice.url, PEPPER, 'soak', 'FRONTEND');
  const ids = await sampleCustomerIds(choice.url, 1000);
  // The soak measures the server, not the limiter: a budget no client can reach.
  process.env.FATTAIL_RATE_LIMIT_PER_MINUTE = '100000000';
  const server = await startFattail({ databaseUrl: choice.url, keyPepper: PEPPER });
  let failed = false;
  try {
    log(`soak: ${seconds} s at ${connections} connections against ${customers.toLocaleString('en')} customers`);
    const bodies = ids.map((id, i) => JSON.stringify(i % 10 === 0 ? { query: LIST_QUERY } : { query: PAGE, variables: { id } }));
    const soak = await runLoad(`${server.url}/graphql`, { bodies, headers: { authorization: `Bearer ${key}` } }, connections, seconds);
    const bad = soak.non2xx + soak.errors + soak.timeouts + soak.graphqlErrors;
    log(
      `soak: ${soak.requests} requests, ${soak.requestsPerSecond.toFixed(0)} req/s, p50 ${soak.latencyMs.p50} ms, p99 ${soak.latencyMs.p99} ms, ` +
        `failed ${bad} (non-2xx ${soak.non2xx}, socket errors ${soak.errors}, timeouts ${soak.timeouts}, GraphQL errors ${soak.graphqlErrors}) ` +
        `peak RSS ${server.peakRssMb()} MB -> ${bad === 0 ? 'PASS' : 'FAIL'}`,
    );
    failed ||= bad > 0;

    const drain = await sigtermUnderLoad(server.url, () => server.stop(30_000), key, ids, connections);
    const drained = drain.failedBeforeSignal === 0 && drain.exitCode === 0;
    log(
      `SIGTERM under load: ${drain.startedBeforeSignal} requests sent before the signal, ${drain.answeredBeforeSignal} answered, ` +
        `${drain.failedBeforeSignal} failed; ${drain.refusedAfterSignal} refused after it; exit code ${drain.exitCode} -> ${drained ? 'PASS' : 'FAIL'}`,
    );
    failed ||= !drained;
  } finally {
    await server.stop();
  }
  process.exitCode = failed ? 1 : 0;
}

main().catch((error: unknown) => {
  process.stderr.write(`soak: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
