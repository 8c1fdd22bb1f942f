import { existsSync, mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { createJourney, eventBody, stageBody } from '../journeys/journey-fixtures.ts';
import { createTestApp, waitFor, type TestApp } from '../support/test-app.ts';
import { WebhookReceiver } from '../support/webhook-receiver.ts';

const CHROMIUM_PATH = '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless=new',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-default-apps',
  '--disable-sync',
  '--no-first-run',
  '--disable-features=Translate,MediaRouter,OptimizationHints',
  '--metrics-recording-only',
  '--no-default-browser-check',
];
const OUTPUT_DIRECTORY = fileURLToPath(new URL('../../test-output/', import.meta.url));
const SCREENSHOT_PATH = `${OUTPUT_DIRECTORY}dashboard.png`;

const JOURNEY = 'shop';
/** A campaign name with markup, to prove the page shows it as text. */
const MARKUP_NAME = 'Spring <b>sale</b> & "friends"';
/** A customer id with markup that would run a script if the feed rendered it as HTML. */
const MARKUP_CUSTOMER = '<img src=x onerror="window.injected=1">';
const DAY = 86_400_000;
const SHOPPERS = 24;

/** The parts of a table row that the tests read in the browser. */
interface BrowserTableRow {
  querySelectorAll(selector: 'td'): ArrayLike<{ dataset: Record<string, string | undefined>; textContent: string | null }>;
}

interface ChartData {
  labels: unknown[];
  datasets: Array<{ data: unknown[] }>;
}

/** The browser globals that `chartData` uses: the document and Chart.js's `Chart`. */
interface BrowserWithChart {
  document: { getElementById(id: string): unknown };
  Chart: { getChart(canvas: unknown): { data: { labels?: unknown[]; datasets: Array<{ data: unknown[] }> } } | undefined };
}

/** Formats a number as the page stores it in `data-value`: the exact value, or '' for null. */
function dataValue(value: number | null): string {
  return value === null ? '' : String(value);
}

/**
 * The dashboard in headless Chromium against a seeded server: every panel must show the
 * numbers that the API returns for the same data, and the browser may only talk to the
 * test server.
 */
describe('analyst dashboard in Chromium', () => {
  let testApp: TestApp;
  let receiver: WebhookReceiver;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let analystKey: string;
  const blockedRequests: string[] = [];
  const consoleErrors: string[] = [];
  const api = () => testApp.api();

  // Thirty days ago, so the outcomes recorded now come after every event.
  const base = new Date(Math.floor((Date.now() - 30 * DAY) / DAY) * DAY);

  beforeAll(async () => {
    if (!existsSync(CHROMIUM_PATH)) {
      throw new Error(`Chromium is missing at ${CHROMIUM_PATH}. Install it with \`apt-get install chromium\` to run the dashboard test`);
    }
    receiver = await new WebhookReceiver().start();
    testApp = await createTestApp();
    await seed();
    analystKey = (await api().post('/v1/admin/api-keys').send({ name: 'dashboard-analyst', role: 'analyst' }).expect(201)).body.key;

    browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
    context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const origin = new URL(testApp.url).origin;
    // Every request of the page, its workers included, must go to the test server.
    await context.route('**/*', async (route) => {
      const url = route.request().url();
      if (new URL(url).origin === origin) {
        await route.continue();
      } else {
        blockedRequests.push(url);
        await route.abort('blockedbyclient');
      }
    });
    page = await context.newPage();
    page.on('console', (message) => {
      if (message.type() === 'error') {
        consoleErrors.push(message.text());
      }
    });
    page.on('pageerror', (error) => consoleErrors.push(error.message));

    await page.goto(`${testApp.url}/dashboard`);
    // The page requests a key before it calls the API; an analyst's key reads every panel.
    await page.waitForSelector('body[data-state="needs-key"]');
    await page.fill('#api-key-input', analystKey);
    await page.click('#api-key-form button[type="submit"]');
    await page.waitForSelector('body[data-state="ready"]', { timeout: 30_000 });
    // The migrations add example journeys, so the selector starts on another one.
    await page.selectOption('#journey-select', JOURNEY);
    for (const panel of ['journey-panel', 'pain-points-panel', 'paths-panel']) {
      await page.waitForSelector(`#${panel}[data-journey="${JOURNEY}"][data-state="ready"]`);
    }
  });

  afterAll(async () => {
    await browser?.close();
    await testApp?.close();
    await receiver?.stop();
  });

  /**
   * Seeds one journey, two campaigns on two channels, 24 shoppers with events, a decision
   * per shopper and campaign, and conversions for some of them.
   */
  async function seed(): Promise<void> {
    await createJourney(testApp, {
      key: JOURNEY,
      name: 'Shop',
      priority: 100,
      stages: [
        stageBody('awareness', ['ad']),
        stageBody('consideration', ['browse', 'compare']),
        stageBody('purchase', ['pay']),
        stageBody('support', ['helpdesk']),
      ],
    });

    await api().post('/v1/admin/channels').send({ name: 'email', webhookUrl: receiver.url('/email') }).expect(201);
    await api().post('/v1/admin/channels').send({ name: 'sms', webhookUrl: receiver.url('/sms') }).expect(201);
    await api().post('/v1/admin/offers').send({ name: 'voucher', channel: 'email', content: { subject: 'Hi' }, value: 20 }).expect(201);
    await api().post('/v1/admin/offers').send({ name: 'reminder', channel: 'sms', content: { text: 'Hi' }, value: 5 }).expect(201);
    await api()
      .post('/v1/admin/campaigns')
      .send({ key: 'spring-sale', name: MARKUP_NAME, offers: ['voucher'], holdoutShare: 0.5 })
      .expect(201);
    await api()
      .post('/v1/admin/campaigns')
      .send({ key: 'winback', name: 'Winback', offers: ['reminder'], holdoutShare: 0.5 })
      .expect(201);

    // Even shoppers have good experiences and buy. Odd ones have bad ones, and some call the helpdesk.
    const events = [];
    for (let i = 0; i < SHOPPERS; i++) {
      const customerId = `shopper-${String(i).padStart(2, '0')}`;
      const good = i % 2 === 0;
      events.push(eventBody(customerId, base, 1, { touchpoint: 'ad', rating: good ? 5 : 1 }));
      events.push(eventBody(customerId, base, 2, { touchpoint: 'browse', rating: good ? 4 : 2, waitSeconds: 30 + i }));
      if (i % 3 === 0) {
        events.push(eventBody(customerId, base, 3, { touchpoint: 'compare', rating: 3 }));
      }
      if (good) {
        events.push(eventBody(customerId, base, 4, { touchpoint: 'pay', type: 'purchase', value: 40 + i }));
      } else if (i % 4 === 1) {
        events.push(eventBody(customerId, base, 4, { touchpoint: 'helpdesk', rating: 1, waitSeconds: 300 }));
      }
    }
    await api().post('/v1/events').send({ events }).expect(202);
    await waitFor(async () => {
      const unscored = await testApp.stores.database.prisma.event.count({ where: { scoredAt: null } });
      return unscored === 0 ? true : undefined;
    }, 20_000, 'every seeded event to be scored');

    for (let i = 0; i < SHOPPERS; i++) {
      const customerId = `shopper-${String(i).padStart(2, '0')}`;
      for (const [channel, converts] of [['email', i % 2 === 0], ['sms', i % 3 === 0]] as const) {
        const decision = await api().get(`/v1/customers/${customerId}/next-best-offer`).query({ channel }).expect(200);
        if (decision.body.decisionId === null) {
          throw new Error(`No decision for ${customerId} on ${channel}: ${JSON.stringify(decision.body.reasons)}`);
        }
        if (converts) {
          await api().post('/v1/outcomes').send({ decisionId: decision.body.decisionId, type: 'conversion', value: 30 }).expect(201);
        }
      }
    }
  }

  /**
   * Reads each cell's data-value, or its text when it has none, row by row. The callback
   * runs in the browser, and the project compiles without DOM types, so it uses structural types.
   */
  function tableValues(tableId: string): Promise<string[][]> {
    return page.$$eval(`#${tableId} tbody tr`, (rows) =>
      (rows as unknown as BrowserTableRow[]).map((row) =>
        Array.from(row.querySelectorAll('td'), (cell) => cell.dataset.value ?? cell.textContent ?? '')),
    );
  }

  /** Reads the labels and datasets that Chart.js draws on a canvas. */
  function chartData(canvasId: string): Promise<ChartData> {
    return page.evaluate((id) => {
      const browser = globalThis as unknown as BrowserWithChart;
      const chart = browser.Chart.getChart(browser.document.getElementById(id));
      if (chart === undefined) {
        throw new Error(`No chart on #${id}`);
      }
      return { labels: chart.data.labels ?? [], datasets: chart.data.datasets.map((dataset) => ({ data: dataset.data })) };
    }, canvasId);
  }

  it('serves the page with a strict policy', async () => {
    const response = await api().get('/dashboard').expect(200);

    expect(response.headers['content-type']).toMatch(/^text\/html/);
    expect(response.headers['content-security-policy']).toContain("script-src 'self'");
    expect(response.headers['content-security-policy']).not.toContain('unsafe-inline');
    expect(response.text).not.toMatch(/<script>|<style>|\son\w+=/);
  });

  it('serves only allow-listed assets', async () => {
    const chart = await api().get('/dashboard/assets/chart.umd.min.js').expect(200);
    expect(chart.headers['content-type']).toMatch(/^text\/javascript/);
    expect(chart.text).toContain('Chart.js v4');

    await api().get('/dashboard/assets/main.js').expect(200);
    await api().get('/dashboard/assets/index.html').expect(404);
    await api().get('/dashboard/assets/..%2F..%2F..%2F..%2Fpackage.json').expect(404);
    await api().get('/dashboard/assets/chart.js').expect(404);
  });

  it('shows uplift per campaign', async () => {
    const reports = await Promise.all(
      ['spring-sale', 'winback'].map(async (campaign) => (await api().get('/v1/reports/uplift').query({ campaign, metric: 'conversion' }).expect(200)).body),
    );

    const rows = await tableValues('uplift-table');
    expect(rows.map((row) => row[0])).toEqual(['spring-sale', 'winback']);
    for (const [index, report] of reports.entries()) {
      expect(report.treatment.n + report.control.n).toBe(SHOPPERS);
      expect(rows[index]!.slice(2)).toEqual([
        dataValue(report.treatment.n),
        dataValue(report.control.n),
        dataValue(report.uplift.absolute),
        dataValue(report.uplift.ci95[0]),
        dataValue(report.uplift.ci95[1]),
        dataValue(report.uplift.pValue),
      ]);
    }

    const chart = await chartData('uplift-chart');
    expect(chart.labels).toEqual(['spring-sale', 'winback']);
    expect(chart.datasets[0]!.data).toEqual(reports.map((report) => report.uplift.ci95));
    expect(chart.datasets[1]!.data).toEqual(reports.map((report) => report.uplift.absolute));
  });

  it('shows the selected campaign per offer', async () => {
    const report = (await api().get('/v1/reports/uplift').query({ campaign: 'spring-sale', metric: 'conversion' }).expect(200)).body;
    const breakdown = (await api().get('/v1/reports/uplift').query({ campaign: 'spring-sale', metric: 'conversion', by: 'offer' }).expect(200)).body;
    expect(breakdown.groups.map((group: { value: string }) => group.value)).toEqual(['voucher']);

    await page.waitForSelector('#campaign-panel[data-campaign="spring-sale"][data-by="offer"][data-state="ready"]');
    const arms = await tableValues('campaign-detail-table');
    expect(arms[0]).toEqual(['Treatment', dataValue(report.treatment.n), dataValue(report.treatment.conversions), dataValue(report.treatment.rate)]);
    expect(arms[1]!.slice(1)).toEqual([dataValue(report.control.n), dataValue(report.control.conversions), dataValue(report.control.rate)]);

    const group = breakdown.groups[0];
    expect(await tableValues('breakdown-table')).toEqual([[
      'voucher',
      dataValue(group.treatment.n),
      dataValue(group.control.n),
      dataValue(group.uplift.absolute),
      dataValue(group.uplift.ci95[0]),
      dataValue(group.uplift.ci95[1]),
      dataValue(group.uplift.pValue),
    ]]);
    const chart = await chartData('breakdown-chart');
    expect(chart.labels).toEqual(['voucher']);
    expect(chart.datasets[0]!.data).toEqual([group.uplift.ci95]);
  });

  it('shows the cumulative uplift per day', async () => {
    const report = (await api().get('/v1/reports/uplift/cumulative').query({ campaign: 'spring-sale', metric: 'conversion' }).expect(200)).body;
    const points: Array<{ date: string; absolute: number | null; ci95: [number, number] | null; sequentialCi95: [number, number] | null }> = report.points;
    expect(points.length).toBeGreaterThan(0);

    await page.waitForSelector('#cumulative-panel[data-campaign="spring-sale"][data-state="ready"]');
    const rows = await tableValues('cumulative-table');
    expect(rows.map((row) => [row[0], row[3], row[4], row[5], row[6], row[7]])).toEqual(
      points.map((point) => [
        point.date,
        dataValue(point.absolute),
        dataValue(point.ci95?.[0] ?? null),
        dataValue(point.ci95?.[1] ?? null),
        dataValue(point.sequentialCi95?.[0] ?? null),
        dataValue(point.sequentialCi95?.[1] ?? null),
      ]),
    );
    const chart = await chartData('cumulative-chart');
    expect(chart.labels).toEqual(points.map((point) => point.date));
    expect(chart.datasets[4]!.data).toEqual(points.map((point) => point.absolute));
  });

  it('switches the uplift metric to spend', async () => {
    const report = (await api().get('/v1/reports/uplift').query({ campaign: 'winback', metric: 'spend' }).expect(200)).body;

    await page.selectOption('#uplift-metric', 'spend');
    await page.waitForSelector('#uplift-panel[data-state="ready"] .panel-status:text("metric spend")');
    const rows = await tableValues('uplift-table');
    expect(rows[1]!.slice(4, 7)).toEqual([dataValue(report.uplift.absolute), dataValue(report.uplift.ci95[0]), dataValue(report.uplift.ci95[1])]);

    await page.selectOption('#uplift-metric', 'conversion');
    await page.waitForSelector('#uplift-panel[data-state="ready"] .panel-status:text("metric conversion")');
    await page.waitForSelector('#campaign-panel[data-metric="conversion"][data-state="ready"]');
    await page.waitForSelector('#cumulative-panel[data-metric="conversion"][data-state="ready"]');
  });

  it('shows campaign names as text', async () => {
    const option = await page.$eval('#campaign-select option[value="spring-sale"]', (node) => ({
      text: node.textContent,
      elements: node.querySelectorAll('*').length,
    }));

    expect(option.text).toBe(`${MARKUP_NAME} (spring-sale)`);
    expect(option.elements).toBe(0);
  });

  it('draws the journey map cells', async () => {
    const map = (await api().get(`/v1/journeys/${JOURNEY}/map`).expect(200)).body;
    const cells: Array<{ stage: string; touchpoint: string; events: number; customers: number; meanValence: number | null }> =
      map.stages.flatMap((stage: { key: string; touchpoints: Array<{ touchpoint: string; events: number; customers: number; meanValence: number | null }> }) =>
        stage.touchpoints.map((cell) => ({ stage: stage.key, ...cell })));
    expect(cells.find((cell) => cell.touchpoint === 'ad')?.events).toBe(SHOPPERS);

    const rows = await tableValues('journey-map-table');
    expect(rows.map((row) => [row[0], row[2], row[3], row[4]])).toEqual(
      cells.map((cell) => [cell.stage, dataValue(cell.events), dataValue(cell.customers), dataValue(cell.meanValence)]),
    );

    const chart = await chartData('journey-map-chart');
    const points = chart.datasets[0]!.data as Array<{ stage: string; touchpoint: string; events: number; meanValence: number | null }>;
    expect(points.map((point) => [point.stage, point.touchpoint, point.events, point.meanValence])).toEqual(
      cells.filter((cell) => cell.events > 0).map((cell) => [cell.stage, cell.touchpoint, cell.events, cell.meanValence]),
    );
  });

  it('ranks the pain points', async () => {
    const view = (await api().get(`/v1/journeys/${JOURNEY}/pain-points`).expect(200)).body;
    expect(view.ranked.length).toBeGreaterThan(0);
    const first = view.ranked[0];

    const rows = await tableValues('pain-points-table');
    expect(rows).toHaveLength(view.ranked.length);
    expect(rows[0]).toEqual([
      dataValue(first.rank),
      first.touchpoint,
      first.stage,
      `${first.bad.customers} / ${first.good.customers}`,
      dataValue(first.conversionGap.difference),
      expect.stringMatching(/^\[-?\d+\.\d, -?\d+\.\d\] pp$/),
      dataValue(first.churnGap.difference),
      first.momentOfTruth ? 'yes' : 'no',
    ]);
  });

  it('lists the top paths', async () => {
    const view = (await api().get(`/v1/journeys/${JOURNEY}/paths`).expect(200)).body;
    expect(view.paths.length).toBeGreaterThan(0);
    const first = view.paths[0];

    const rows = await tableValues('paths-table');
    expect(rows).toHaveLength(view.paths.length);
    expect(rows[0]).toEqual([
      '1',
      first.stages.join(' → '),
      dataValue(first.customers),
      dataValue(first.share),
      dataValue(first.converted),
      dataValue(first.conversionRate),
    ]);
  });

  it('adds a posted event to the live feed', async () => {
    await page.waitForSelector('#feed-panel[data-state="ready"]');

    await api()
      .post('/v1/events')
      .send(eventBody(MARKUP_CUSTOMER, base, 5, { touchpoint: 'helpdesk', rating: 1 }))
      .expect(202);

    const entry = page.locator('#feed-list li[data-kind="event.scored"]').first();
    await entry.waitFor({ timeout: 15_000 });
    expect(await entry.getAttribute('data-customer-id')).toBe(MARKUP_CUSTOMER);
    expect(await entry.locator('.feed-customer').textContent()).toBe(MARKUP_CUSTOMER);
    expect(await entry.locator('.feed-kind').textContent()).toBe('visit at helpdesk');
    expect(await entry.locator('.feed-detail').textContent()).toContain(`${JOURNEY} / support: angry`);
    expect(await page.locator('#feed-list img').count()).toBe(0);
    expect(await page.evaluate(() => (globalThis as { injected?: number }).injected)).toBeUndefined();
  });

  it('asks again for a rejected key and forgets a key on request', async () => {
    // A page of its own, because the browser logs each 401 response as a console error.
    const other = await context.newPage();
    try {
      await other.goto(`${testApp.url}/dashboard`);
      await other.waitForSelector('body[data-state="needs-key"]');
      await other.fill('#api-key-input', `wl_${'A'.repeat(43)}`);
      await other.click('#api-key-form button[type="submit"]');

      await other.waitForSelector('#api-key-form:not([hidden])');
      expect(await other.textContent('#page-status')).toContain('rejected the key');
      expect(await other.evaluate(() => (globalThis as unknown as { sessionStorage: { length: number } }).sessionStorage.length)).toBe(0);

      await other.fill('#api-key-input', analystKey);
      await other.click('#api-key-form button[type="submit"]');
      await other.waitForSelector('body[data-state="ready"]', { timeout: 30_000 });
      await other.click('#api-key-forget');
      await other.waitForSelector('body[data-state="needs-key"]');
    } finally {
      await other.close();
    }
  });

  it('saves a screenshot without errors', async () => {
    mkdirSync(OUTPUT_DIRECTORY, { recursive: true });
    await page.screenshot({ path: SCREENSHOT_PATH, fullPage: true });

    expect(existsSync(SCREENSHOT_PATH)).toBe(true);
    expect(consoleErrors).toEqual([]);
    expect(blockedRequests).toEqual([]);
  });
});
