// Generates the Prisma client offline.
//
// `prisma generate` (Prisma 7) checks that a schema engine binary exists and tries to
// download one when PRISMA_SCHEMA_ENGINE_BINARY is unset. The `prisma-client` generator
// does not run that engine, so any existing executable satisfies the check. Wayline
// applies its own SQL migrations (libs/database/src/migrator.ts) and never needs it.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const env = { ...process.env };
if (!env.PRISMA_SCHEMA_ENGINE_BINARY) {
  env.PRISMA_SCHEMA_ENGINE_BINARY = existsSync('/bin/true') ? '/bin/true' : process.execPath;
}
env.PRISMA_HIDE_UPDATE_MESSAGE = '1';

const result = spawnSync('npx', ['--no-install', 'prisma', 'generate'], { stdio: 'inherit', env });
process.exit(result.status ?? 1);
