#!/usr/bin/env node
'use strict';
// The CLI is compiled TypeScript; `npm run build` (run by `npm start` and `npm ci` users via prestart) produces it.
const path = require('node:path');
const fs = require('node:fs');
const entry = path.join(__dirname, '..', 'dist', 'src', 'cli', 'main.js');
if (!fs.existsSync(entry)) {
  process.stderr.write('fattail: not built yet; run `npm run build` first\n');
  process.exit(1);
}
require(entry);
