// The floor: the least a server can do to answer the bench's two requests. It reads the same POST body
// Fattail gets, runs ONE prepared SQL statement in which PostgreSQL builds the whole JSON response, and
// writes that text out untouched. No GraphQL, no validation beyond the id, no per-row work in Node.
//   env: DATABASE_URL, PORT (0 = any), FLOOR_POOL_SIZE (default 10, Fattail's pool size),
//        FLOOR_PARTS (optional customer-page parts, comma-separated; run.ts passes what Fattail's schema has)
import { createServer, IncomingMessage, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';
import { Pool } from 'pg';
import { customerPageSql, LIST_OPERATION, LIST_SQL, OptionalPart, PAGE_OPERATION } from './queries';

const CUSTOMER_ID = /^Customer:([0-9]{1,19})$/;

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function send(res: ServerResponse, status: number, body: string): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

export function startFloorServer(databaseUrl: string, port: number, parts: OptionalPart[], poolSize = 10) {
  const pool = new Pool({ connectionString: databaseUrl, max: poolSize, application_name: 'fattail-bench-floor' });
  // Named statements are parsed and planned once per connection, as a hand-written service would do.
  const list = { name: 'floor_customers_page', text: LIST_SQL };
  const page = { name: 'floor_customer_page', text: customerPageSql({ included: parts, leftOut: [] }) };

  const server = createServer(async (req, res) => {
    try {
      if (req.method === 'GET' && req.url === '/healthz') return send(res, 200, '{"status":"ok"}');
      if (req.method !== 'POST') return send(res, 405, '{"error":"POST only"}');
      const { operationName, variables } = JSON.parse(await readBody(req)) as { operationName?: string; variables?: { id?: string } };
      if (operationName === LIST_OPERATION) {
        const { rows } = await pool.query<{ body: string }>({ ...list, values: [] });
        return send(res, 200, rows[0].body);
      }
      if (operationName === PAGE_OPERATION) {
        const match = CUSTOMER_ID.exec(Buffer.from(String(variables?.id ?? ''), 'base64url').toString('utf8'));
        if (!match) return send(res, 200, '{"data":{"customer":null}}');
        const { rows } = await pool.query<{ body: string }>({ ...page, values: [match[1]] });
        return send(res, 200, rows[0].body);
      }
      return send(res, 400, '{"error":"unknown operation"}');
    } catch (error) {
      send(res, 500, JSON.stringify({ error: error instanceof Error ? error.message : String(error) }));
    }
  });
  server.keepAliveTimeout = 65_000;
  return new Promise<{ url: string; close(): Promise<void> }>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      const { port: bound } = server.address() as AddressInfo;
      resolve({
        url: `http://127.0.0.1:${bound}`,
        close: async () => {
          await new Promise<void>((done) => server.close(() => done()));
          await pool.end();
        },
      });
    });
  });
}

if (require.main === module) {
  const databaseUrl = process.env.DATABASE_URL;
  if (!databaseUrl) {
    process.stderr.write('floor-server: DATABASE_URL is required\n');
    process.exit(2);
  }
  const parts = (process.env.FLOOR_PARTS ?? '').split(',').filter(Boolean) as OptionalPart[];
  startFloorServer(databaseUrl, Number(process.env.PORT ?? 0), parts, Number(process.env.FLOOR_POOL_SIZE ?? 10)).then(
    (floor) => {
      // run.ts reads this line to learn the port.
      process.stdout.write(`floor listening on ${floor.url}\n`);
      for (const signal of ['SIGTERM', 'SIGINT'] as const) process.once(signal, () => void floor.close().then(() => process.exit(0)));
    },
    (error: unknown) => {
      process.stderr.write(`floor-server: ${error instanceof Error ? error.stack : String(error)}\n`);
      process.exit(1);
    },
  );
}
