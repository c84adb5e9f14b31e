// Where the time goes in a V8 CPU profile (node --cpu-prof): self time per function and per package.
// Standalone: node dist/bench/profile-summary.js <file.cpuprofile> [top] [skipMs]
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

export interface ProfileSummary {
  totalMs: number;
  /** Time the process was busy (everything but "(idle)"). */
  busyMs: number;
  /** Self time in areas that name a cause (first matching area wins), for "where does the time go". */
  byArea: { name: string; selfMs: number; share: number }[];
  byPackage: { name: string; selfMs: number; share: number }[];
  byFunction: { name: string; where: string; package: string; selfMs: number; share: number }[];
  /** Inclusive time under frames worth knowing about (GraphQL execution, SQL, JSON, validation...). */
  inclusive: { name: string; ms: number; share: number }[];
}

/** The package a script belongs to: node_modules/<pkg> (or @scope/pkg), node internals, or our own code. */
export function packageOf(url: string, functionName: string): string {
  if (!url) return functionName.startsWith('(') ? functionName : '(native)';
  const nm = url.lastIndexOf('/node_modules/');
  if (nm >= 0) {
    const rest = url.slice(nm + '/node_modules/'.length).split('/');
    return rest[0].startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0];
  }
  if (url.startsWith('node:')) return 'node (core)';
  const dist = url.indexOf('/dist/');
  if (dist >= 0) return `fattail ${url.slice(dist + '/dist/'.length).split('/').slice(0, 3).join('/')}`;
  return url;
}

type Frame = ProfileNode['callFrame'];

/** Ordered: the first area whose test matches a sample's top frame gets the sample. */
const AREAS: { name: string; match: (f: Frame) => boolean }[] = [
  { name: 'garbage collection', match: (f) => f.functionName === '(garbage collector)' },
  { name: 'socket writes (writev; includes time preempted in the syscall)', match: (f) => f.functionName === 'writev' },
  { name: 'Apollo per-field instrumentation (schemaInstrumentation, cache-control plugin and its LRU)', match: (f) => /schemaInstrumentation|plugin\/cacheControl|lru-cache|invokeHooks|requestPipeline\.js/.test(f.url) },
  { name: 'Apollo: JSON.stringify of the response', match: (f) => f.functionName === 'prettyJSONStringify' },
  { name: 'Apollo: rest of the request pipeline', match: (f) => /@apollo\/server|@as-integrations/.test(f.url) },
  { name: 'require() at request time (module resolution)', match: (f) => /modules\/cjs\/loader|package_json_reader|^node:path$/.test(f.url) },
  { name: 'async_hooks promise hooks (AsyncLocalStorage)', match: (f) => /async_hooks/.test(f.url) },
  { name: 'graphql-js execution', match: (f) => /node_modules\/graphql\/(execution|jsutils)\//.test(f.url) },
  { name: 'graphql-js parse, validate, visit', match: (f) => /node_modules\/graphql\//.test(f.url) },
  { name: 'query cost (graphql-query-complexity)', match: (f) => /graphql-query-complexity/.test(f.url) },
  { name: 'type-graphql and class-validator', match: (f) => /type-graphql|class-validator/.test(f.url) },
  { name: 'pg driver: protocol, row and date parsing', match: (f) => /node_modules\/(pg|pg-protocol|pg-types|postgres-date|pg-pool)\//.test(f.url) },
  { name: 'TypeORM', match: (f) => /node_modules\/typeorm\//.test(f.url) },
  { name: 'DataLoader', match: (f) => /node_modules\/dataloader\//.test(f.url) },
  { name: 'Fattail code (dist/src)', match: (f) => /\/dist\/src\//.test(f.url) },
  { name: 'HTTP, express and middleware', match: (f) => /node:_http|node:net|node:stream|internal\/streams|node_modules\/(express|router|body-parser|raw-body|helmet|content-type|on-finished|finalhandler|send|qs)\//.test(f.url) },
  { name: 'promise jobs (runMicrotasks)', match: (f) => f.functionName === 'runMicrotasks' },
];

/** Frames whose inclusive time answers "how much goes to X"; matched on function name and package. */
const INCLUSIVE_MARKERS: { name: string; match: (fn: string, pkg: string) => boolean }[] = [
  { name: 'graphql execute (whole operation)', match: (fn, pkg) => pkg === 'graphql' && fn === 'execute' },
  { name: 'graphql validate', match: (fn, pkg) => pkg === 'graphql' && fn === 'validate' },
  { name: 'graphql parse', match: (fn, pkg) => pkg === 'graphql' && fn === 'parse' },
  { name: 'query cost (graphql-query-complexity)', match: (fn, pkg) => pkg === 'graphql-query-complexity' && fn === 'getComplexity' },
  { name: 'type-graphql resolver wrapping', match: (fn, pkg) => pkg === 'type-graphql' && /^(createHandlerResolver|createAdvancedFieldResolver|createBasicFieldResolver|applyMiddlewares|getParams)$/.test(fn) },
  { name: 'TypeORM DataSource.query', match: (fn, pkg) => pkg === 'typeorm' && fn === 'query' },
  { name: 'pg result parsing', match: (fn, pkg) => pkg === 'pg' && /parseRow|handleDataRow|_parseRowAsObject/.test(fn) },
  { name: 'JSON.stringify', match: (fn) => fn === 'stringify' },
  { name: 'class-validator', match: (_fn, pkg) => pkg === 'class-validator' },
];

/** skipMs: samples in the first skipMs after the profile started (start-up, warm-up) are left out. */
export function summariseProfile(profile: CpuProfile, top = 25, skipMs = 0): ProfileSummary {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const selfUs = new Map<number, number>();
  let elapsedUs = 0;
  let totalUs = 0;
  profile.samples.forEach((id, i) => {
    const delta = profile.timeDeltas[i] ?? 0;
    elapsedUs += delta;
    if (elapsedUs < skipMs * 1000) return;
    totalUs += delta;
    selfUs.set(id, (selfUs.get(id) ?? 0) + delta);
  });

  let idleUs = 0;
  const pkgUs = new Map<string, number>();
  const fnUs = new Map<string, { name: string; where: string; package: string; us: number }>();
  const markerUs = new Map<string, number>();
  const areaUs = new Map<string, number>();
  for (const [id, us] of selfUs) {
    const node = byId.get(id)!;
    const { functionName, url, lineNumber } = node.callFrame;
    if (functionName === '(idle)') {
      idleUs += us;
      continue;
    }
    const pkg = packageOf(url, functionName);
    pkgUs.set(pkg, (pkgUs.get(pkg) ?? 0) + us);
    const area = AREAS.find((a) => a.match(node.callFrame))?.name ?? 'other (native, node core, other packages)';
    areaUs.set(area, (areaUs.get(area) ?? 0) + us);
    const where = url ? `${url.replace(/^.*\/(node_modules|dist)\//, '')}:${lineNumber + 1}` : '';
    const key = `${functionName}@${where}`;
    const entry = fnUs.get(key) ?? { name: functionName || '(anonymous)', where, package: pkg, us: 0 };
    entry.us += us;
    fnUs.set(key, entry);
    // Inclusive: charge this sample once to each marker found on its stack.
    const seen = new Set<string>();
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
      const frame = byId.get(cur)!.callFrame;
      const framePkg = packageOf(frame.url, frame.functionName);
      for (const m of INCLUSIVE_MARKERS) {
        if (!seen.has(m.name) && m.match(frame.functionName, framePkg)) {
          seen.add(m.name);
          markerUs.set(m.name, (markerUs.get(m.name) ?? 0) + us);
        }
      }
    }
  }
  const busyUs = totalUs - idleUs;
  const share = (us: number) => Math.round((us / busyUs) * 1000) / 10;
  return {
    totalMs: Math.round(totalUs / 1000),
    busyMs: Math.round(busyUs / 1000),
    byArea: [...areaUs].sort((a, b) => b[1] - a[1]).map(([name, us]) => ({ name, selfMs: Math.round(us / 1000), share: share(us) })),
    byPackage: [...pkgUs].sort((a, b) => b[1] - a[1]).map(([name, us]) => ({ name, selfMs: Math.round(us / 1000), share: share(us) })),
    byFunction: [...fnUs.values()]
      .sort((a, b) => b.us - a.us)
      .slice(0, top)
      .map((f) => ({ name: f.name, where: f.where, package: f.package, selfMs: Math.round(f.us / 1000), share: share(f.us) })),
    inclusive: [...markerUs].sort((a, b) => b[1] - a[1]).map(([name, us]) => ({ name, ms: Math.round(us / 1000), share: share(us) })),
  };
}

export function formatProfileSummary(s: ProfileSummary, packages = 15): string {
  const lines = [`profile: ${s.totalMs} ms sampled, ${s.busyMs} ms busy (shares below are of busy time)`, '', 'self time by area:'];
  for (const a of s.byArea) lines.push(`  ${a.share.toFixed(1).padStart(5)}%  ${String(a.selfMs).padStart(7)} ms  ${a.name}`);
  lines.push('', 'self time by package:');
  for (const p of s.byPackage.slice(0, packages)) lines.push(`  ${p.share.toFixed(1).padStart(5)}%  ${String(p.selfMs).padStart(7)} ms  ${p.name}`);
  lines.push('', 'inclusive time under:');
  for (const m of s.inclusive) lines.push(`  ${m.share.toFixed(1).padStart(5)}%  ${String(m.ms).padStart(7)} ms  ${m.name}`);
  lines.push('', 'top functions by self time:');
  for (const f of s.byFunction) lines.push(`  ${f.share.toFixed(1).padStart(5)}%  ${String(f.selfMs).padStart(7)} ms  ${f.name}  (${f.package}; ${f.where})`);
  return lines.join('\n');
}

if (require.main === module) {
  const file = process.argv[2];
  if (!file) {
    process.stderr.write('usage: profile-summary <file.cpuprofile> [top] [skipMs]\n');
    process.exit(2);
  }
  const summary = summariseProfile(JSON.parse(readFileSync(file, 'utf8')) as CpuProfile, Number(process.argv[3] ?? 25), Number(process.argv[4] ?? 0));
  process.stdout.write(`${formatProfileSummary(summary)}\n`);
}
