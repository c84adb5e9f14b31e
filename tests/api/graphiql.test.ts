import express from 'express';
import request from 'supertest';
import { GRAPHIQL_CSP, graphiqlRouter } from '../../src/graphql/graphiql';
import { GRAPHIQL_EXAMPLES } from '../../src/graphql/graphiql-examples';
import { createTestApp, TestApp } from '../helpers/test-app';

// What Chromium sends when an analyst opens the URL.
const BROWSER_ACCEPT = 'text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8';

interface PageConfig {
  workers: Record<string, string>;
  options: { endpoint: string; title: string; defaultTabs: { query: string; variables?: string }[] };
}

function pageConfig(html: string): PageConfig {
  const match = /<script type="application\/json" id="graphiql-config">([^<]*)<\/script>/.exec(html);
  if (!match) throw new Error('no GraphiQL config in the page');
  return JSON.parse(match[1]);
}

function referencedAssets(html: string): string[] {
  const attributes = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]).filter((url) => !url.startsWith('data:'));
  return [...attributes, ...Object.values(pageConfig(html).workers)];
}

describe('GraphiQL', () => {
  let t: TestApp;
  let html: string;
  beforeAll(async () => {
    t = await createTestApp();
    html = (await request(t.app.app).get('/graphql').set('accept', BROWSER_ACCEPT)).text;
  });
  afterAll(async () => {
    await t?.close();
  });

  it('serves the page to a browser, under a strict Content-Security-Policy', async () => {
    const res = await request(t.app.app).get('/graphql').set('accept', BROWSER_ACCEPT);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    const csp = res.headers['content-security-policy'];
    expect(csp).toBe(GRAPHIQL_CSP);
    expect(csp).toContain("default-src 'none'");
    for (const directive of ['script-src', 'connect-src', 'worker-src']) {
      expect(csp).toMatch(new RegExp(`${directive} 'self'(;|$)`));
    }
    expect(csp).not.toMatch(/unsafe-eval|blob:|https?:|\*/);
    expect(res.headers.vary).toMatch(/accept/i);
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.text).toContain('<title>Fattail GraphiQL</title>');
  });

  it('references nothing off-host and runs no inline script', () => {
    expect(html.match(/https?:\/\/[^\s"'<>]*/g) ?? []).toEqual([]);
    expect(html).not.toMatch(/\/\/[a-z0-9.-]+\.[a-z]{2,}\//i);
    for (const tag of html.match(/<script[^>]*>/g) ?? []) {
      expect(tag).toMatch(/ src="\/graphiql\/|type="application\/json"/);
    }
    for (const asset of referencedAssets(html)) expect(asset).toMatch(/^\/graphiql\/[a-z.-]+\.[0-9a-f]{16}\.(js|css)$/);
  });

  it('opens on the example queries', () => {
    const config = pageConfig(html);
    expect(config.options.endpoint).toBe('/graphql');
    expect(config.options.defaultTabs).toEqual(GRAPHIQL_EXAMPLES.map(({ query, variables }) => ({ query, variables })));
    expect(config.options.defaultTabs[0].query).toContain('query Customer360(');
    expect(Object.keys(config.workers).sort()).toEqual(['editorWorkerService', 'graphql', 'json']);
  });

  it('serves every asset the page references, with the right type and a year of caching', async () => {
    const assets = referencedAssets(html);
    expect(assets.length).toBe(7); // two stylesheets, the bundle, our boot script, three Monaco workers
    for (const path of assets) {
      const res = await request(t.app.app).get(path);
      expect({ path, status: res.status }).toEqual({ path, status: 200 });
      expect(res.headers['content-type']).toBe(path.endsWith('.css') ? 'text/css; charset=utf-8' : 'text/javascript; charset=utf-8');
      expect(res.headers['cache-control']).toBe('public, max-age=31536000, immutable');
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.text.length).toBeGreaterThan(0);
    }
  });

  it('compresses assets for clients that accept gzip and honours If-None-Match', async () => {
    const script = referencedAssets(html).find((a) => a.includes('yoga-graphiql'))!;
    const gzipped = await request(t.app.app).get(script).set('accept-encoding', 'gzip');
    expect(gzipped.headers['content-encoding']).toBe('gzip');
    expect(gzipped.text).toContain('renderYogaGraphiQL');
    const plain = await request(t.app.app).get(script).set('accept-encoding', 'identity');
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.text).toBe(gzipped.text);
    const revalidated = await request(t.app.app).get(script).set('if-none-match', gzipped.headers.etag);
    expect(revalidated.status).toBe(304);
  });

  it('leaves unknown or stale asset names to the 404 handler', async () => {
    expect((await request(t.app.app).get('/graphiql/yoga-graphiql.umd.0000000000000000.js')).status).toBe(404);
    expect((await request(t.app.app).get('/graphiql/../package.json')).status).toBe(404);
  });

  it('leaves GraphQL-over-HTTP GETs to Apollo', async () => {
    const res = await request(t.app.app)
      .get('/graphql')
      .query({ query: '{ __typename }' })
      .set('accept', 'application/json')
      .set('graphql-preflight', '1');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.body).toEqual({ data: { __typename: 'Query' } });
    expect(res.headers['content-security-policy']).toBeUndefined();
  });

  it('answers JSON, not the page, to clients that do not prefer HTML', async () => {
    for (const accept of [undefined, '*/*', 'application/graphql-response+json', 'application/json, text/html']) {
      const req = request(t.app.app).get('/graphql').query({ query: '{ __typename }' }).set('graphql-preflight', '1');
      const res = await (accept ? req.set('accept', accept) : req);
      expect({ accept, type: res.headers['content-type'] }).toEqual({ accept, type: expect.stringMatching(/json/) });
    }
  });

  // YogaGraphiQL keeps the query being edited in ?query=, so a reload must show the page again.
  it('serves the page to a browser even when the URL carries ?query=', async () => {
    const res = await request(t.app.app).get('/graphql').query({ query: '{ __typename }' }).set('accept', BROWSER_ACCEPT);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
  });

  it('leaves POSTs alone', async () => {
    const res = await request(t.app.app).post('/graphql').set('accept', BROWSER_ACCEPT).send({ query: '{ __typename }' });
    expect(res.body).toEqual({ data: { __typename: 'Query' } });
  });
});

describe('graphiqlRouter', () => {
  it('escapes the title, which GraphiQL renders as HTML', async () => {
    const app = express().use(graphiqlRouter({ endpoint: '/api', title: '<img src=x onerror=alert(1)> & co' }));
    const res = await request(app).get('/api').set('accept', BROWSER_ACCEPT);
    expect(res.text).toContain('<title>&#60;img src=x onerror=alert(1)&#62; &#38; co</title>');
    expect(res.text).not.toContain('<img');
    expect(pageConfig(res.text).options).toMatchObject({ endpoint: '/api', title: '&#60;img src=x onerror=alert(1)&#62; &#38; co' });
  });
});
