#!/usr/bin/env node
'use strict';
// Thin launcher: the command itself is built from src/cli into out/cli by `npm run build`.
const path = require('node:path');
const fs = require('node:fs');

const entry = path.join(__dirname, '..', 'out', 'cli', 'index.js');
if (!fs.existsSync(entry)) {
  console.error(`callboard: not built yet (${entry} is missing). Run \`npm run build\` first.`);
  process.exit(1);
}
require(entry)
  .runFromBin(process.argv.slice(2))
  .then((code) => {
    process.exitCode = code;
  });
