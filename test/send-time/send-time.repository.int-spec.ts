import { buildHistogram, SendTimeRepository, type HourOfWeekHistogram } from '#wayline/delivery';
import { type TestStores, createTestStores } from '../support/test-stores.ts';

const NOW = new Date('2026-11-20T12:00:00Z');
const HOUR_MS = 3_600_000;

/** Lists instants 6 h 17 min apart over the 40 days before NOW, which cross the end of DST in Europe and North America. */
function instantsAcrossDstEnd(): Date[] {
  const instants: Date[] = [];
  for (let time = NOW.getTime() - 40 * 24 * HOUR_MS; time < NOW.getTime(); time += 6 * HOUR_MS + 17 * 60_000) {
    instants.push(new Date(time));
  }
  return instants;
}

function sumHistograms(histograms: HourOfWeekHistogram[]): { weights: number[]; counts: number[]; events: number } {
  const weights = new Array<number>(168).fill(0);
  const counts = new Array<number>(168).fill(0);
  let events = 0;
  for (const histogram of histograms) {
    histogram.weights.forEach((weight, hour) => (weights[hour]! += weight));
    histogram.counts.forEach((count, hour) => (counts[hour]! += count));
    events += histogram.events;
  }
  return { weights, counts, events };
}

/**
 * The segment and global patterns are aggregated in SQL with AT TIME ZONE, the customer's
 * own in TypeScript with Intl. Both must put every event in the same local hour.
 */
describe('SendTimeRepository.aggregateEngagement', () => {
  let stores: TestStores;
  let repository: SendTimeRepository;

  beforeAll(async () => {
    stores = await createTestStores();
    repository = new SendTimeRepository(stores.database.prisma);
    const prisma = stores.database.prisma;
    const customers = [
      { id: 'berlin', timeZone: 'Europe/Berlin', segment: 'a' },
      { id: 'new-york', timeZone: 'America/New_York', segment: 'a' },
      { id: 'kolkata', timeZone: 'Asia/Kolkata', segment: 'b' },
      { id: 'default-zone', timeZone: null, segment: 'b' },
    ];
    for (const customer of customers) {
      await prisma.customer.create({ data: { id: customer.id, timeZone: customer.timeZone, attributes: { segment: customer.segment } } });
      await prisma.event.createMany({
        data: instantsAcrossDstEnd().map((occurredAt, index) => ({
          customerId: customer.id,
          // Every fifth event is a call, which the patterns ignore.
          type: index % 5 === 4 ? 'call' : ['open', 'click', 'visit', 'purchase'][index % 4]!,
          touchpoint: 'web',
          channel: 'email',
          occurredAt,
        })),
      });
    }
  });

  afterAll(async () => {
    await stores?.teardown();
  });

  const expectedFor = async (zones: Array<[string, string]>) => {
    const histograms: HourOfWeekHistogram[] = [];
    for (const [customerId, timeZone] of zones) {
      histograms.push(buildHistogram(await repository.listCustomerEngagement(customerId, NOW), timeZone, NOW));
    }
    return sumHistograms(histograms);
  };

  it('matches the per-customer histograms for all customers', async () => {
    const expected = await expectedFor([
      ['berlin', 'Europe/Berlin'],
      ['new-york', 'America/New_York'],
      ['kolkata', 'Asia/Kolkata'],
      ['default-zone', 'Europe/Lisbon'],
    ]);

    const aggregated = await repository.aggregateEngagement(null, 'Europe/Lisbon', NOW);

    expect(aggregated.events).toBe(expected.events);
    expect(aggregated.counts).toEqual(expected.counts);
    aggregated.weights.forEach((weight, hour) => expect(weight).toBeCloseTo(expected.weights[hour]!, 9));
  });

  it('keeps to the segment', async () => {
    const expected = await expectedFor([
      ['kolkata', 'Asia/Kolkata'],
      ['default-zone', 'UTC'],
    ]);

    const aggregated = await repository.aggregateEngagement('b', 'UTC', NOW);

    expect(aggregated.events).toBe(expected.events);
    expect(aggregated.counts).toEqual(expected.counts);
  });

  it('counts only engagement events', async () => {
    const all = await stores.database.prisma.event.count({ where: { customerId: 'berlin' } });
    const engagement = (await repository.listCustomerEngagement('berlin', NOW)).length;

    expect(engagement).toBe(all - Math.floor(all / 5));
  });
});
