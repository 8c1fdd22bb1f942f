import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** One file the dashboard serves: where it is on disk and its content type. */
export interface DashboardAsset {
  file: string;
  contentType: string;
}

const JAVASCRIPT = 'text/javascript; charset=utf-8';

/**
 * Files under `public/` that `/dashboard/assets/{name}` serves. The names are the whole
 * allow-list: a request for any other name is a 404, so no request path reaches the file
 * system.
 */
const PUBLIC_ASSETS: Record<string, string> = {
  'dashboard.css': 'text/css; charset=utf-8',
  'main.js': JAVASCRIPT,
  'api-client.js': JAVASCRIPT,
  'api-key.js': JAVASCRIPT,
  'dom.js': JAVASCRIPT,
  'format.js': JAVASCRIPT,
  'uplift-panel.js': JAVASCRIPT,
  'journey-panel.js': JAVASCRIPT,
  'feed-panel.js': JAVASCRIPT,
};

/** Chart.js's UMD build sets `window.Chart` and needs no module loader or bundler. */
const CHART_JS_FILE = 'chart.umd.min.js';

/**
 * Finds the `public/` folder. Under ts-jest it sits next to this file. tsc copies no
 * JavaScript or HTML to dist/, so the built app walks up to the project root (the
 * package.json named wayline) and reads the folder from the sources.
 */
function findPublicDirectory(): string {
  const moduleDirectory = path.dirname(fileURLToPath(import.meta.url));
  const beside = path.join(moduleDirectory, 'public');
  if (existsSync(path.join(beside, 'index.html'))) {
    return beside;
  }
  let dir = moduleDirectory;
  while (path.dirname(dir) !== dir) {
    const manifest = path.join(dir, 'package.json');
    if (existsSync(manifest) && (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === 'wayline') {
      return path.join(dir, 'apps', 'api', 'src', 'dashboard', 'public');
    }
    dir = path.dirname(dir);
  }
  throw new Error(`Dashboard files not found: no public/ folder next to ${moduleDirectory} and no wayline package.json above it`);
}

/**
 * Finds Chart.js's dist/ folder. The package's exports map names only its entry points,
 * so the UMD file is located next to the resolved CommonJS entry.
 */
function findChartJsDirectory(): string {
  const require = createRequire(import.meta.url);
  return path.dirname(require.resolve('chart.js'));
}

/** The dashboard page and its assets, resolved once when the app starts. */
export class DashboardAssets {
  readonly indexFile: string;
  private readonly assets: Map<string, DashboardAsset>;

  constructor() {
    const publicDirectory = findPublicDirectory();
    this.indexFile = path.join(publicDirectory, 'index.html');
    this.assets = new Map(
      Object.entries(PUBLIC_ASSETS).map(([name, contentType]) => [name, { file: path.join(publicDirectory, name), contentType }]),
    );
    this.assets.set(CHART_JS_FILE, { file: path.join(findChartJsDirectory(), CHART_JS_FILE), contentType: JAVASCRIPT });
  }

  /** Returns the asset of that name, or undefined when the name is not on the allow-list. */
  find(name: string): DashboardAsset | undefined {
    return this.assets.get(name);
  }
}
