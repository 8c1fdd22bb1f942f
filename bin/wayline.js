#!/usr/bin/env node
// Entry point of the `wayline` command. The CLI is compiled by `npm install`
// (postinstall) and by `npm run build`.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const entry = new URL('../dist/apps/cli/src/main.js', import.meta.url);
if (!existsSync(fileURLToPath(entry))) {
  console.error('wayline: the CLI is not built yet. Run `npm run build` in the project folder.');
  process.exit(1);
}
await import(entry.href);
