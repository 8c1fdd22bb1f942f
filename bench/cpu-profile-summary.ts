import { readFileSync } from 'node:fs';

/** The parts of a V8 `.cpuprofile` (Chrome DevTools protocol `Profiler.Profile`) that the summary reads. */
interface CpuProfile {
  nodes: Array<{
    id: number;
    callFrame: { functionName: string; url: string; lineNumber: number };
    children?: number[];
  }>;
  startTime: number;
  endTime: number;
  samples: number[];
}

export interface CategoryShare {
  name: string;
  /** Share of samples whose innermost frame is in this category, in percent. */
  selfPercent: number;
  /** Share of samples with a frame of this category anywhere on the stack, in percent. */
  totalPercent: number;
}

export interface CpuProfileSummary {
  file: string;
  samples: number;
  durationSeconds: number;
  /** Samples taken while the thread waited for I/O or timers, in percent. */
  idlePercent: number;
  categories: CategoryShare[];
  /** Functions with the highest self time. */
  topFunctions: Array<{ name: string; selfPercent: number }>;
}

/**
 * Summarizes a CPU profile by code owner: a package under node_modules, a Wayline lib
 * or app, Node's internals, WebAssembly, or the garbage collector. Shares are counts of
 * samples, which V8 takes at a fixed interval, so they are shares of time.
 */
export function summarizeCpuProfile(file: string, topCount = 15): CpuProfileSummary {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parentOf = new Map<number, number>();
  for (const node of profile.nodes) {
    for (const child of node.children ?? []) {
      parentOf.set(child, node.id);
    }
  }

  const ownCategoryOf = new Map(profile.nodes.map((node) => [node.id, categorize(node.callFrame)]));
  const categoryOf = new Map(ownCategoryOf);
  // Frames of a WebAssembly module are credited to the package whose JavaScript called
  // into it, through any builtins in between, such as PGlite for its Postgres build.
  for (const node of profile.nodes) {
    if (ownCategoryOf.get(node.id) !== WEB_ASSEMBLY) {
      continue;
    }
    let caller = parentOf.get(node.id);
    while (caller !== undefined && [WEB_ASSEMBLY, V8_BUILTINS].includes(ownCategoryOf.get(caller)!)) {
      caller = parentOf.get(caller);
    }
    const callerCategory = caller === undefined ? undefined : ownCategoryOf.get(caller);
    categoryOf.set(node.id, callerCategory === undefined ? WEB_ASSEMBLY : `${callerCategory} (WebAssembly)`);
  }
  const selfByCategory = new Map<string, number>();
  const totalByCategory = new Map<string, number>();
  const selfByFunction = new Map<string, number>();
  for (const sampleId of profile.samples) {
    const node = byId.get(sampleId)!;
    increment(selfByCategory, categoryOf.get(sampleId)!);
    increment(selfByFunction, describeFrame(node.callFrame));
    const seen = new Set<string>();
    for (let id: number | undefined = sampleId; id !== undefined; id = parentOf.get(id)) {
      seen.add(categoryOf.get(id)!);
    }
    for (const category of seen) {
      increment(totalByCategory, category);
    }
  }

  const samples = profile.samples.length;
  const percent = (count: number | undefined) => (samples === 0 ? 0 : (100 * (count ?? 0)) / samples);
  const categories = [...selfByCategory.keys()]
    .filter((name) => name !== '(root)')
    .map((name) => ({ name, selfPercent: percent(selfByCategory.get(name)), totalPercent: percent(totalByCategory.get(name)) }))
    .sort((a, b) => b.selfPercent - a.selfPercent);
  const topFunctions = [...selfByFunction.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, topCount)
    .map(([name, count]) => ({ name, selfPercent: percent(count) }));

  return {
    file,
    samples,
    durationSeconds: (profile.endTime - profile.startTime) / 1e6,
    idlePercent: percent(selfByCategory.get('idle')),
    categories,
    topFunctions,
  };
}

const WEB_ASSEMBLY = 'WebAssembly';
const V8_BUILTINS = 'V8 builtins';

function increment(counts: Map<string, number>, key: string): void {
  counts.set(key, (counts.get(key) ?? 0) + 1);
}

function categorize(frame: CpuProfile['nodes'][number]['callFrame']): string {
  switch (frame.functionName) {
    case '(idle)':
      return 'idle';
    case '(garbage collector)':
      return 'garbage collector';
    case '(program)':
      return 'V8 (program)';
    case '(root)':
      return '(root)';
  }
  const { url } = frame;
  if (url === '') {
    return V8_BUILTINS;
  }
  if (url.startsWith('wasm://')) {
    return WEB_ASSEMBLY;
  }
  if (url.startsWith('node:')) {
    return 'node internals';
  }
  const packageMatch = /\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url);
  if (packageMatch !== null) {
    return packageMatch[1]!;
  }
  const waylineMatch = /\/dist\/((?:libs|apps|bench)\/[^/]+)\//.exec(url);
  if (waylineMatch !== null) {
    // Generated Prisma client code lives inside libs/database but belongs to Prisma.
    return url.includes('/generated/') ? 'prisma (generated client)' : `wayline ${waylineMatch[1]}`;
  }
  return 'other';
}

function describeFrame(frame: CpuProfile['nodes'][number]['callFrame']): string {
  const name = frame.functionName === '' ? '(anonymous)' : frame.functionName;
  if (frame.url === '') {
    return name;
  }
  const shortUrl = frame.url.replace(/^.*\/node_modules\//, '').replace(/^.*\/dist\//, 'dist/').replace(/^file:\/\//, '');
  return `${name} ${shortUrl}:${frame.lineNumber + 1}`;
}
