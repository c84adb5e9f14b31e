// npm run bench [-- --quick | --customers N --duration S --rounds R --connections C --reuse --replace --profile]
// Seeds the demo bank into PostgreSQL, starts Fattail (production mode) and the floor as child processes,
// checks they answer alike, then loads both with interleaved rounds and prints the ratios. See docs/benchmarks.md.
import 'reflect-metadata';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { DIST_ROOT, ServerProcess, startFattail, startFloor } from './children';
import { CpuMeter } from './cpu';
import { firstDifference, objectCount, postJson } from './equivalence';
import { LoadResult, RequestPlan, runLoad } from './load';
import { runOtherBenches } from './others';
import { formatProfileSummary, summariseProfile } from './profile-summary';
import { customerPageQuery, CustomerPagePlan, LIST_OPERATION, LIST_QUERY, PAGE_OPERATION, planCustomerPage, SchemaFacts } from './queries';
import { loadTable, medianRound, otherBenchTable, QUERY_TITLES, QueryFigures, QueryKey, Round, verdicts, writeResults } from './report';
import { acquireBenchLock } from './lock';
import { analyze, chooseDatabase, createApiKey, DatabaseChoice, prepareDatabase, sampleCustomerIds } from './setup';
import { countStatements } from './statements';

const REPO_ROOT = path.resolve(DIST_ROOT, '..');
const RESULTS_DIR = path.join(REPO_ROOT, 'bench', 'results');

interface Settings {
  customers: number;
  durationSeconds: number;
  warmupSeconds: number;
  rounds: number;
  connections: number;
  ids: number;
  quick: boolean;
  reuse: boolean;
  replace: boolean;
  profile: boolean;
  skipOthers: boolean;
  /** Extra Node flags for the Fattail child only. */
  nodeOptions: string;
}

function settingsFrom(argv: string[], env: NodeJS.ProcessEnv): Settings {
  const { values } = parseArgs({
    args: argv,
    options: {
      customers: { type: 'string' },
      duration: { type: 'string' },
      warmup: { type: 'string' },
      rounds: { type: 'string' },
      connections: { type: 'string' },
      ids: { type: 'string' },
      quick: { type: 'boolean', default: false },
      reuse: { type: 'boolean', default: false },
      replace: { type: 'boolean', default: false },
      profile: { type: 'boolean', default: false },
      'skip-others': { type: 'boolean', default: false },
      'node-options': { type: 'string' },
    },
  });
  const int = (name: string, raw: string | undefined, fallback: number, min = 1): number => {
    if (raw === undefined || raw === '') return fallback;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < min) throw new Error(`--${name} must be an integer >= ${min}, got "${raw}"`);
    return n;
  };
  const quick = values.quick ?? false;
  return {
    customers: int('customers', values.customers ?? env.BENCH_CUSTOMERS, quick ? 2_000 : 100_000),
    durationSeconds: int('duration', values.duration, quick ? 3 : 10),
    warmupSeconds: int('warmup', values.warmup, quick ? 1 : 3, 0),
    rounds: int('rounds', values.rounds, 3),
    connections: int('connections', values.connections, 32),
    ids: int('ids', values.ids, 1_000),
    quick,
    reuse: values.reuse ?? false,
    replace: values.replace ?? false,
    profile: values.profile ?? false,
    skipOthers: values['skip-others'] ?? false,
    nodeOptions: values['node-options'] ?? '',
  };
}

const log = (line: string) => process.stdout.write(`[bench] ${line}\n`);

/** The tree moves while people work: results say which commit they measured and whether src/ had local changes. */
function gitState(): { commit: string | null; uncommittedSrcFiles: number | null } {
  try {
    const commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: REPO_ROOT, encoding: 'utf8' }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--', 'src', 'migrations', 'seeds'], { cwd: REPO_ROOT, encoding: 'utf8' });
    return { commit, uncommittedSrcFiles: dirty.split('\n').filter(Boolean).length };
  } catch {
    return { commit: null, uncommittedSrcFiles: null };
  }
}

async function graphql(url: string, apiKey: string, query: string): Promise<any> {
  const { status, json } = await postJson(`${url}/graphql`, JSON.stringify({ query }), { authorization: `Bearer ${apiKey}` });
  const body = json as { data?: any; errors?: unknown[] };
  if (status !== 200 || body.errors) throw new Error(`GraphQL request failed (${status}): ${JSON.stringify(body.errors ?? body).slice(0, 500)}`);
  return body.data;
}

/** What the RUNNING server's schema has (the committed SDL can lag behind the code). */
async function schemaFacts(url: string, apiKey: string): Promise<SchemaFacts> {
  const data = await graphql(url, apiKey, `{ customer: __type(name: "Customer") { fields { name } } mutation: __type(name: "Mutation") { fields { name } } }`);
  const names = (t: { fields?: { name: string }[] } | null) => new Set((t?.fields ?? []).map((f) => f.name));
  return { customerFields: names(data.customer), mutationFields: names(data.mutation) };
}

const timed = async (fn: () => Promise<unknown>) => {
  const started = Date.now();
  await fn();
  return (Date.now() - started) / 1000;
};

/**
 * Segment memberships exist only after a refresh and lifetime values only after a model fit: without them
 * every customer page would show empty parts. Both go through the API, as an analyst would run them.
 */
async function deriveCustomerData(url: string, analystKey: string, plan: CustomerPagePlan, facts: SchemaFacts): Promise<{ segmentRefreshSeconds: number | null; lifetimeValueFitSeconds: number | null }> {
  let segmentRefreshSeconds: number | null = null;
  let lifetimeValueFitSeconds: number | null = null;
  if (plan.included.includes('segments') && facts.mutationFields.has('refreshSegments')) {
    segmentRefreshSeconds = await timed(() => graphql(url, analystKey, `mutation { refreshSegments { refreshId } }`));
    log(`refreshed segments through the API in ${segmentRefreshSeconds.toFixed(1)} s`);
  }
  if (plan.included.includes('lifetimeValue') && facts.mutationFields.has('fitLifetimeValueModel')) {
    const calibrationEnd = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
    lifetimeValueFitSeconds = await timed(() =>
      graphql(url, analystKey, `mutation { fitLifetimeValueModel(input: { activity: TRANSACTIONS, calibrationEnd: "${calibrationEnd}", unit: WEEK }) { version } }`),
    );
    log(`fitted a lifetime-value model through the API in ${lifetimeValueFitSeconds.toFixed(1)} s`);
  }
  return { segmentRefreshSeconds, lifetimeValueFitSeconds };
}

function requestPlans(apiKey: string, pagePlan: CustomerPagePlan, customerIds: string[]): Record<QueryKey, RequestPlan> {
  const headers = { authorization: `Bearer ${apiKey}` };
  const pageQuery = customerPageQuery(pagePlan);
  return {
    a: { headers, bodies: [JSON.stringify({ operationName: LIST_OPERATION, query: LIST_QUERY, variables: {} })] },
    b: { headers, bodies: customerIds.map((id) => JSON.stringify({ operationName: PAGE_OPERATION, query: pageQuery, variables: { id } })) },
  };
}

/** Same requests to both servers; any difference stops the bench. A few page ids, not just one, so empty parts get covered. */
async function checkEquivalence(fattail: ServerProcess, floor: ServerProcess, plans: Record<QueryKey, RequestPlan>): Promise<Record<QueryKey, { objects: number; fattailBytes: number; floorBytes: number }>> {
  const out = {} as Record<QueryKey, { objects: number; fattailBytes: number; floorBytes: number }>;
  for (const key of ['a', 'b'] as const) {
    const bodies = key === 'a' ? plans.a.bodies : plans.b.bodies.slice(0, 5);
    let objects = 0;
    let fattailBytes = 0;
    let floorBytes = 0;
    for (const body of bodies) {
      const f = await postJson(`${fattail.url}/graphql`, body, plans[key].headers);
      const g = await postJson(`${floor.url}/graphql`, body, plans[key].headers);
      const fattailBody = f.json as { data?: unknown; errors?: unknown };
      if (f.status !== 200 || fattailBody.errors) throw new Error(`${QUERY_TITLES[key]}: Fattail answered ${f.status} ${JSON.stringify(fattailBody.errors ?? fattailBody).slice(0, 800)}`);
      if (g.status !== 200) throw new Error(`${QUERY_TITLES[key]}: the floor answered ${g.status} ${JSON.stringify(g.json).slice(0, 800)}`);
      const diff = firstDifference(f.json, g.json);
      if (diff) {
        throw new Error(
          `${QUERY_TITLES[key]}: the floor does not answer what Fattail answers, first difference at ${diff.path}:\n` +
            `  Fattail: ${JSON.stringify(diff.fattail)?.slice(0, 400)}\n  floor:   ${JSON.stringify(diff.floor)?.slice(0, 400)}\n  request: ${body.slice(-200)}`,
        );
      }
      objects += objectCount(f.json);
      fattailBytes += f.bytes;
      floorBytes += g.bytes;
    }
    if (objects < 10) throw new Error(`${QUERY_TITLES[key]}: both servers answered almost nothing (${objects} objects); is the database seeded?`);
    out[key] = { objects: Math.round(objects / bodies.length), fattailBytes: Math.round(fattailBytes / bodies.length), floorBytes: Math.round(floorBytes / bodies.length) };
    log(`${QUERY_TITLES[key]}: equivalent answers (${bodies.length} request${bodies.length > 1 ? 's' : ''}, ~${out[key].objects} objects, ${Math.round(out[key].fattailBytes / 1024)} KB each)`);
  }
  return out;
}

const summary = (r: LoadResult) =>
  `${Math.round(r.requestsPerSecond).toLocaleString('en')} req/s, p50 ${r.latencyMs.p50} ms, p99 ${r.latencyMs.p99} ms` +
  (r.cpuPerRequest ? `, CPU/req ${r.cpuPerRequest.nodeMs ?? '?'} + ${r.cpuPerRequest.dbMs ?? '?'} ms` : '') +
  (r.non2xx + r.errors + r.graphqlErrors ? `, ${r.non2xx} non-2xx, ${r.errors} errors, ${r.graphqlErrors} GraphQL errors` : '');

/** A server that died under load ends the bench with what it printed; its later rounds would only measure refusals. */
function assertAlive(server: ServerProcess): void {
  const exited = server.exited();
  if (exited) throw new Error(`${server.name} died under load (${exited}); its last output:\n${server.output()}`);
}

/** Fattail (a), floor (a), Fattail (b), floor (b), R times: drift in the machine hits both sides alike. */
async function measure(
  settings: Settings,
  databaseUrl: string,
  fattail: ServerProcess,
  floor: ServerProcess,
  plans: Record<QueryKey, RequestPlan>,
): Promise<Record<QueryKey, Round[]>> {
  const servers = { fattail, floor };
  const targets = { fattail: `${fattail.url}/graphql`, floor: `${floor.url}/graphql` };
  const meters = {
    fattail: new CpuMeter(databaseUrl, fattail.pid, 'fattail'),
    floor: new CpuMeter(databaseUrl, floor.pid, 'fattail-bench-floor'),
  };
  const metered = async (side: 'fattail' | 'floor', key: QueryKey): Promise<LoadResult> => {
    const before = await meters[side].snapshot();
    const result = await runLoad(targets[side], plans[key], settings.connections, settings.durationSeconds);
    assertAlive(servers[side]);
    return { ...result, cpuPerRequest: CpuMeter.perRequest(before, await meters[side].snapshot(), result.requests) };
  };
  if (settings.warmupSeconds > 0) {
    log(`warm-up: ${settings.warmupSeconds} s per server and query`);
    for (const key of ['a', 'b'] as const) {
      for (const side of ['fattail', 'floor'] as const) {
        await runLoad(targets[side], plans[key], settings.connections, settings.warmupSeconds);
        assertAlive(servers[side]);
      }
    }
  }
  const rounds: Record<QueryKey, Round[]> = { a: [], b: [] };
  for (let round = 1; round <= settings.rounds; round++) {
    for (const key of ['a', 'b'] as const) {
      const f = await metered('fattail', key);
      const g = await metered('floor', key);
      // Other work on the machine shows up here; the ratio of two neighbouring runs is what survives it.
      const loadAverage = Math.round(os.loadavg()[0] * 10) / 10;
      log(`round ${round}/${settings.rounds} ${key}: Fattail ${summary(f)} | floor ${summary(g)} | load avg ${loadAverage}`);
      rounds[key].push({ fattail: f, floor: g, loadAverage });
    }
  }
  return rounds;
}

/** --profile: Fattail alone under load with --cpu-prof, one server run per query so each gets its own profile. */
async function profile(settings: Settings, databaseUrl: string, keyPepper: string, plans: Record<QueryKey, RequestPlan>): Promise<void> {
  const dir = path.join(RESULTS_DIR, `profile-${new Date().toISOString().replace(/[:.]/g, '-')}`);
  const summaries: Record<string, unknown> = {};
  for (const key of ['a', 'b'] as const) {
    const queryDir = path.join(dir, key);
    mkdirSync(queryDir, { recursive: true });
    const fattail = await startFattail({ databaseUrl, keyPepper, cpuProfileDir: queryDir, nodeOptions: settings.nodeOptions });
    let skipMs = 0;
    try {
      if (settings.warmupSeconds > 0) await runLoad(`${fattail.url}/graphql`, plans[key], settings.connections, settings.warmupSeconds);
      assertAlive(fattail);
      // Start-up and warm-up are in the profile too; the summary leaves them out.
      skipMs = Date.now() - fattail.startedAt;
      const result = await runLoad(`${fattail.url}/graphql`, plans[key], settings.connections, settings.durationSeconds);
      log(`profiled ${QUERY_TITLES[key]}: ${summary(result)}`);
    } finally {
      await fattail.stop();
    }
    const file = readdirSync(queryDir).find((f) => f.endsWith('.cpuprofile'));
    if (!file) throw new Error(`no .cpuprofile was written to ${queryDir}`);
    const s = summariseProfile(JSON.parse(readFileSync(path.join(queryDir, file), 'utf8')), 30, skipMs);
    summaries[key] = s;
    process.stdout.write(`\n=== ${QUERY_TITLES[key]}: ${path.relative(REPO_ROOT, path.join(queryDir, file))}\n${formatProfileSummary(s)}\n`);
  }
  writeFileSync(path.join(dir, 'summary.json'), `${JSON.stringify(summaries, null, 2)}\n`);
  log(`profiles and summary.json in ${path.relative(REPO_ROOT, dir)}`);
}

async function main(): Promise<void> {
  const settings = settingsFrom(process.argv.slice(2), process.env);
  const started = new Date();
  log(
    `${settings.customers.toLocaleString('en')} customers, ${settings.rounds} rounds x ${settings.durationSeconds} s, ${settings.connections} connections` +
      ` (${os.cpus().length} CPUs, Node ${process.version})`,
  );

  const [load1] = os.loadavg();
  if (load1 > os.cpus().length) log(`note: the machine is busy (load average ${load1.toFixed(1)} on ${os.cpus().length} CPUs); absolute figures will be low and noisy, ratios less so`);

  const choice = chooseDatabase(process.env);
  const lock = await acquireBenchLock(choice.adminUrl, log);
  try {
    await runBench(settings, choice, started);
  } finally {
    await lock.release();
  }
}

async function runBench(settings: Settings, choice: DatabaseChoice, started: Date): Promise<void> {
  // Read now, next to the build that `npm run bench` just made: later commits do not change what runs.
  const git = gitState();
  log(`database: ${choice.scratch ? `scratch ${new URL(choice.url).pathname.slice(1)} on the local server` : 'DATABASE_URL'}`);
  const prepared = await prepareDatabase(choice, { customers: settings.customers, reuse: settings.reuse, replace: settings.replace, log });
  if (prepared.seeded) {
    log(`seeded ${prepared.seeded.customers.toLocaleString('en')} customers in ${prepared.seedSeconds!.toFixed(1)} s: ${Object.entries(prepared.seeded.counts).map(([t, n]) => `${t} ${n.toLocaleString('en')}`).join(', ')}`);
  } else {
    log(`reused the database (${settings.customers.toLocaleString('en')} customers already there)`);
  }

  // A fresh pepper per run: keys from earlier runs stop working, nothing secret outlives the run.
  const keyPepper = randomBytes(32).toString('hex');
  const apiKey = await createApiKey(choice.url, keyPepper, 'bench', 'FRONTEND');
  const customerIds = await sampleCustomerIds(choice.url, Math.min(settings.ids, settings.customers));

  // The analyst jobs (segment refresh, lifetime-value fit) run on a Fattail server of their own, stopped before
  // the load: the fit alone takes a process to about 300 MB, a batch job's peak that said nothing about the read
  // path yet set the measured server's high-water mark. Its peak is reported on its own line, not dropped.
  let analystServer: ServerProcess | null = await startFattail({ databaseUrl: choice.url, keyPepper, nodeOptions: settings.nodeOptions });
  let fattail: ServerProcess | null = null;
  let floor: ServerProcess | null = null;
  try {
    const facts = await schemaFacts(analystServer.url, apiKey);
    const pagePlan = planCustomerPage(facts);
    log(`customer page includes: accounts, transactions, mobile banking, partner purchases${pagePlan.included.map((p) => `, ${p}`).join('')}`);
    for (const { part, reason } of pagePlan.leftOut) log(`customer page leaves out ${part}: ${reason}`);
    const analystKey = await createApiKey(choice.url, keyPepper, 'bench-analyst', 'ANALYST');
    const { segmentRefreshSeconds, lifetimeValueFitSeconds } = await deriveCustomerData(analystServer.url, analystKey, pagePlan, facts);
    await analystServer.stop();
    const analystJobsPeakRssMb = analystServer.peakRssMb();
    analystServer = null;
    if (segmentRefreshSeconds !== null || lifetimeValueFitSeconds !== null) log(`peak RSS of the server that ran the analyst jobs: ${analystJobsPeakRssMb ?? 'n/a'} MB`);
    // Those tables were filled after the post-seed ANALYZE; without statistics the floor's prepared statement
    // settles on a generic plan that scans them (seen at 100 000 customers: 8 ms more database time per page).
    await analyze(choice.url);
    const plans = requestPlans(apiKey, pagePlan, customerIds);

    if (settings.profile) {
      await profile(settings, choice.url, keyPepper, plans);
      return;
    }

    fattail = await startFattail({ databaseUrl: choice.url, keyPepper, nodeOptions: settings.nodeOptions });
    if (settings.nodeOptions) log(`Fattail runs with extra Node flags: ${settings.nodeOptions}`);
    floor = await startFloor(choice.url, pagePlan.included);
    const answers = await checkEquivalence(fattail, floor, plans);

    const counted = await countStatements(choice.url, keyPepper, apiKey, { a: plans.a.bodies[0], b: plans.b.bodies[0] });
    log(`SQL statements per request (in-process QueryCounter, auth included): (a) ${counted.a.count}, (b) ${counted.b.count}`);

    const rounds = await measure(settings, choice.url, fattail, floor, plans);
    const fattailPeakRssMb = fattail.peakRssMb();
    const floorPeakRssMb = floor.peakRssMb();
    await fattail.stop();
    await floor.stop();
    fattail = floor = null;

    const figures: QueryFigures[] = (['a', 'b'] as const).map((key) => ({
      query: key,
      fattail: medianRound(rounds[key].map((r) => r.fattail)),
      floor: medianRound(rounds[key].map((r) => r.floor)),
      rounds: rounds[key],
      statementsPerRequest: counted[key].count,
    }));

    const others = settings.skipOthers
      ? { lines: [], results: {} }
      : await runOtherBenches({ databaseUrl: choice.url, adminUrl: choice.adminUrl, customers: settings.customers, quick: settings.quick }, log);

    const table = loadTable(figures, fattailPeakRssMb, floorPeakRssMb, analystJobsPeakRssMb);
    const setupLine =
      `Setup: ${settings.customers.toLocaleString('en')} customers` +
      (prepared.seedSeconds !== null ? ` seeded in ${prepared.seedSeconds.toFixed(1)} s` : ' (reused)') +
      (segmentRefreshSeconds !== null ? `, segment refresh ${segmentRefreshSeconds.toFixed(1)} s` : '') +
      (lifetimeValueFitSeconds !== null ? `, lifetime-value fit ${lifetimeValueFitSeconds.toFixed(1)} s` : '') +
      `; ${settings.connections} connections, median of ${settings.rounds} interleaved rounds x ${settings.durationSeconds} s; ${os.cpus().length} CPUs (${os.cpus()[0]?.model ?? 'unknown'}), Node ${process.version}` +
      `; commit ${git.commit ?? 'unknown'}${git.uncommittedSrcFiles ? ` + ${git.uncommittedSrcFiles} uncommitted src/ files` : ''}.`;
    process.stdout.write(`\n${setupLine}\n\n${table}\n`);
    if (others.lines.length) process.stdout.write(`\n${otherBenchTable(others.lines)}\n`);

    const file = writeResults(RESULTS_DIR, {
      startedAt: started.toISOString(),
      finishedAt: new Date().toISOString(),
      settings,
      git,
      machine: { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model, memoryMb: Math.round(os.totalmem() / 2 ** 20), node: process.version },
      database: { scratch: choice.scratch, seeded: prepared.seeded, seedSeconds: prepared.seedSeconds, vacuumSeconds: prepared.vacuumSeconds, reused: prepared.reused },
      customerPage: pagePlan,
      segmentRefreshSeconds,
      lifetimeValueFitSeconds,
      answers,
      statements: counted,
      figures,
      memory: { fattailPeakRssMb, floorPeakRssMb, analystJobsPeakRssMb },
      verdicts: verdicts(figures, fattailPeakRssMb),
      table,
      otherBenches: others.results,
      otherBenchLines: others.lines,
    });
    log(`results written to ${path.relative(REPO_ROOT, file)}`);
  } finally {
    await analystServer?.stop();
    await fattail?.stop();
    await floor?.stop();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`\n[bench] FAILED: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
