// Runs the whole test suite: a type check, then every jest project on the embedded
// default (PGlite and the in-process live store), then, when DATABASE_URL or REDIS_URL
// is set, the same suites again against those servers. Extra arguments go to jest.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';

const jestArguments = process.argv.slice(2);
const outputDir = 'test-output';
mkdirSync(outputDir, { recursive: true });

function run(command, args, env) {
  const result = spawnSync(command, args, { stdio: 'inherit', env });
  return result.status ?? 1;
}

console.log('== Type check');
if (run('npx', ['--no-install', 'tsc', '-p', 'tsconfig.json', '--noEmit'], process.env) !== 0) {
  console.log('0 passed, 1 failed');
  process.exit(1);
}

// The fault tests start the built API and worker (dist/) as child processes. Building
// here keeps them from testing a dist that is older than the sources.
console.log('== Build');
if (run('npm', ['run', 'build'], process.env) !== 0) {
  console.log('0 passed, 1 failed');
  process.exit(1);
}

const modes = [
  { name: 'embedded', env: { DATABASE_URL: '', REDIS_URL: '' } },
];
if (process.env.DATABASE_URL || process.env.REDIS_URL) {
  modes.push({
    name: 'servers',
    env: { DATABASE_URL: process.env.DATABASE_URL ?? '', REDIS_URL: process.env.REDIS_URL ?? '' },
  });
}

let passed = 0;
let failed = 0;
let exitCode = 0;
for (const mode of modes) {
  console.log(`== Tests on the ${mode.name} stores`);
  const outputFile = `${outputDir}/jest-${mode.name}.json`;
  const env = {
    ...process.env,
    ...mode.env,
    NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --experimental-vm-modules`.trim(),
  };
  const status = run(
    'npx',
    ['--no-install', 'jest', '--maxWorkers=2', '--json', `--outputFile=${outputFile}`, ...jestArguments],
    env,
  );
  try {
    const summary = JSON.parse(readFileSync(outputFile, 'utf8'));
    passed += summary.numPassedTests;
    failed += summary.numFailedTests + summary.numRuntimeErrorTestSuites;
  } catch {
    failed += 1;
  }
  if (status !== 0) {
    exitCode = status;
  }
}

console.log(`${passed} passed, ${failed} failed`);
process.exit(exitCode);
