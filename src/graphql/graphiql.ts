import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { gzip as gzipCallback } from 'node:zlib';
import { NextFunction, Request, Response, Router } from 'express';
import { GRAPHIQL_EXAMPLES } from './graphiql-examples';

// GraphiQL for analysts, served entirely from node_modules: bank desktops may have no route to a CDN,
// and a page that pulls scripts from one would let a third party run code next to customer data.
// The Content-Security-Policy below enforces that nothing else is loaded.

export interface GraphiQLRouterOptions {
  /** Where the GraphQL API is mounted; the page is served on a browser GET of the same path. */
  endpoint: string;
  title?: string;
}

export const GRAPHIQL_ASSET_PREFIX = '/graphiql';

// Monaco injects <style> elements without a nonce, so styles need 'unsafe-inline'; scripts do not,
// and eval, blob: workers and every other origin stay refused. Fonts and a few icons are data: URLs
// inside graphiql.css.
export const GRAPHIQL_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "font-src 'self' data:",
  "img-src 'self' data:",
  "connect-src 'self'",
  "worker-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

// Same rule as Apollo's landing page: the HTML only when the client actively prefers it to every
// GraphQL response type, so `Accept: */*`, JSON or no Accept at all still reach the API. The query
// string is not consulted: GraphiQL keeps the edited query in ?query=, and reloading must show the page.
const NEGOTIATED_TYPES = ['application/json', 'application/graphql-response+json', 'multipart/mixed', 'text/html'];

const PACKAGE_DIR = dirname(require.resolve('@graphql-yoga/graphiql/package.json'));

const PAGE_CSS = 'html,body{height:100%;margin:0;overflow:hidden}\n';

// Inline scripts are refused by the CSP, so the page's own code is an asset too.
// - Monaco asks for one worker per language by label; without MonacoEnvironment it falls back to
//   blob: URLs and dynamic import, which the CSP refuses. The bundles are classic scripts, not modules.
// - The editor opens on YogaGraphiQL's `query` (its welcome text when unset), not on the first of
//   defaultTabs, so the first example is passed as `query` too, unless the URL carries ?query=
//   (YogaGraphiQL keeps the edited query there, so a reload shows what was being edited).
const BOOT_JS = `'use strict';
(function () {
  var config = JSON.parse(document.getElementById('graphiql-config').textContent);
  var options = config.options;
  if (!new URLSearchParams(location.search).has('query') && options.defaultTabs.length > 0) {
    options.query = options.defaultTabs[0].query;
    options.variables = options.defaultTabs[0].variables;
  }
  self.MonacoEnvironment = {
    getWorker: function (_moduleId, label) {
      return new Worker(config.workers[label] || config.workers.editorWorkerService, { name: label });
    },
  };
  YogaGraphiQL.renderYogaGraphiQL(document.getElementById('graphiql'), options);
})();
`;

type AssetKey = 'script' | 'css' | 'pageCss' | 'boot' | 'editorWorker' | 'graphqlWorker' | 'jsonWorker';

interface AssetSource {
  name: string;
  contentType: string;
  file?: string;
  text?: string;
}

const JS = 'text/javascript; charset=utf-8';
const CSS = 'text/css; charset=utf-8';

const SOURCES: Record<AssetKey, AssetSource> = {
  script: { name: 'yoga-graphiql.umd.js', contentType: JS, file: 'dist/yoga-graphiql.umd.js' },
  css: { name: 'graphiql.css', contentType: CSS, file: 'dist/graphiql.css' },
  editorWorker: { name: 'editor.worker.js', contentType: JS, file: 'dist/monacoeditorwork/editor.worker.bundle.js' },
  graphqlWorker: { name: 'graphql.worker.js', contentType: JS, file: 'dist/monacoeditorwork/graphql.worker..bundle.js' },
  jsonWorker: { name: 'json.worker.js', contentType: JS, file: 'dist/monacoeditorwork/json.worker.bundle.js' },
  pageCss: { name: 'page.css', contentType: CSS, text: PAGE_CSS },
  boot: { name: 'boot.js', contentType: JS, text: BOOT_JS },
};

interface Asset {
  /** Path under GRAPHIQL_ASSET_PREFIX; carries a content hash, so responses can be cached for a year. */
  path: string;
  contentType: string;
  body: Buffer;
  etag: string;
  gzipped?: Promise<Buffer>;
}

const gzip = promisify(gzipCallback);
let loaded: Promise<Record<AssetKey, Asset>> | undefined;

// Read once per process on the first page view (8.8 MB), not at start-up: most processes never serve it.
function loadAssets(): Promise<Record<AssetKey, Asset>> {
  loaded ??= (async () => {
    const entries = await Promise.all(
      (Object.entries(SOURCES) as [AssetKey, AssetSource][]).map(async ([key, source]) => {
        const body = source.file ? await readFile(join(PACKAGE_DIR, source.file)) : Buffer.from(source.text ?? '', 'utf8');
        const hash = createHash('sha256').update(body).digest('hex').slice(0, 16);
        const dot = source.name.lastIndexOf('.');
        const path = `/${source.name.slice(0, dot)}.${hash}${source.name.slice(dot)}`;
        return [key, { path, contentType: source.contentType, body, etag: `"${hash}"` }] as const;
      }),
    );
    return Object.fromEntries(entries) as Record<AssetKey, Asset>;
  })();
  loaded.catch(() => {
    loaded = undefined;
  });
  return loaded;
}

/** The page on a browser GET of `endpoint`, its assets under /graphiql/; everything else goes on to next(). */
export function graphiqlRouter(options: GraphiQLRouterOptions): Router {
  const title = options.title ?? 'Fattail GraphiQL';
  const router = Router();

  router.get(options.endpoint, async (req: Request, res: Response, next: NextFunction) => {
    if (req.accepts(NEGOTIATED_TYPES) !== 'text/html') return next();
    try {
      const html = renderPage(await loadAssets(), options.endpoint, title);
      res
        .status(200)
        .set({
          'Content-Type': 'text/html; charset=utf-8',
          'Content-Security-Policy': GRAPHIQL_CSP,
          'Cache-Control': 'no-cache',
          Vary: 'Accept',
          'X-Content-Type-Options': 'nosniff',
          'Referrer-Policy': 'no-referrer',
        })
        .send(html);
    } catch (error) {
      next(error);
    }
  });

  router.get(`${GRAPHIQL_ASSET_PREFIX}/:file`, async (req: Request, res: Response, next: NextFunction) => {
    try {
      const assets = await loadAssets();
      const asset = Object.values(assets).find((a) => a.path === `/${req.params.file}`);
      if (!asset) return next();
      res.set({
        'Content-Type': asset.contentType,
        'Cache-Control': 'public, max-age=31536000, immutable',
        ETag: asset.etag,
        Vary: 'Accept-Encoding',
        'X-Content-Type-Options': 'nosniff',
      });
      if (req.fresh) {
        res.status(304).end();
        return;
      }
      // The page pulls 8.8 MB of assets; gzipped they are 2.4 MB on the wire.
      if (req.acceptsEncodings('gzip', 'identity') === 'gzip') {
        asset.gzipped ??= gzip(asset.body);
        res.set('Content-Encoding', 'gzip').send(await asset.gzipped);
        return;
      }
      res.send(asset.body);
    } catch (error) {
      next(error);
    }
  });

  return router;
}

function renderPage(assets: Record<AssetKey, Asset>, endpoint: string, title: string): string {
  const url = (key: AssetKey) => `${GRAPHIQL_ASSET_PREFIX}${assets[key].path}`;
  const config = {
    workers: {
      editorWorkerService: url('editorWorker'),
      graphql: url('graphqlWorker'),
      json: url('jsonWorker'),
    },
    options: {
      endpoint,
      // YogaGraphiQL renders a string title as HTML.
      title: escapeHtml(title),
      defaultTabs: GRAPHIQL_EXAMPLES.map(({ query, variables }) => ({ query, variables })),
      // Headers may carry credentials; keep them out of localStorage.
      shouldPersistHeaders: false,
    },
  };
  return `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <title>${escapeHtml(title)}</title>
    <link rel="icon" href="data:,">
    <link rel="stylesheet" href="${url('css')}">
    <link rel="stylesheet" href="${url('pageCss')}">
  </head>
  <body>
    <noscript>GraphiQL needs JavaScript.</noscript>
    <div id="graphiql"></div>
    <script type="application/json" id="graphiql-config">${jsonForScript(config)}</script>
    <script src="${url('script')}"></script>
    <script src="${url('boot')}"></script>
  </body>
</html>
`;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

// JSON inside <script> must not contain "</script>" or "<!--"; escaping every "<" rules both out.
function jsonForScript(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c');
}
