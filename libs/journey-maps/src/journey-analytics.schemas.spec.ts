import { parseInput, ValidationError } from '#wayline/common';
import { journeyMapQuerySchema, journeyPathsQuerySchema, painPointsQuerySchema } from './journey-analytics.schemas.ts';

function problemOf(schema: Parameters<typeof parseInput>[0], query: unknown): { path: string; message: string } {
  try {
    parseInput(schema, query, 'query');
  } catch (error) {
    if (error instanceof ValidationError) {
      return error.problems[0]!;
    }
    throw error;
  }
  throw new Error('expected a validation error');
}

describe('journeyMapQuerySchema', () => {
  it('parses one segment condition, with colons allowed in the value', () => {
    expect(parseInput(journeyMapQuerySchema, { segment: 'plan:pro:annual' }, 'query').segment).toEqual([
      { attribute: 'plan', value: 'pro:annual' },
    ]);
  });

  it('parses a repeated segment parameter', () => {
    expect(parseInput(journeyMapQuerySchema, { segment: ['tier:gold', 'region:north'] }, 'query').segment).toEqual([
      { attribute: 'tier', value: 'gold' },
      { attribute: 'region', value: 'north' },
    ]);
  });

  it('parses the window', () => {
    const query = parseInput(journeyMapQuerySchema, { from: '2026-01-01T00:00:00Z', to: '2026-02-01T00:00:00+01:00' }, 'query');

    expect(query.from).toEqual(new Date('2026-01-01T00:00:00Z'));
    expect(query.to).toEqual(new Date('2026-01-31T23:00:00Z'));
  });

  it.each([
    ['a segment without a colon', { segment: 'gold' }, 'query.segment', 'attribute:value'],
    ['a segment with an empty value', { segment: 'tier:' }, 'query.segment', 'attribute:value'],
    ['a segment with a bad attribute', { segment: 'ti er:gold' }, 'query.segment', 'attribute:value'],
    ['a bad repeated segment', { segment: ['tier:gold', 'x'] }, 'query.segment[1]', 'attribute:value'],
    ['a segment value with a control character', { segment: 'tier:go\u0000ld' }, 'query.segment', 'control characters'],
    ['six segments', { segment: Array.from({ length: 6 }, (_, index) => `a${index}:b`) }, 'query.segment', 'at most 5'],
    ['a date without a zone', { from: '2026-01-01T00:00:00' }, 'query.from', 'ISO 8601'],
    ['a window that ends before it starts', { from: '2026-02-01T00:00:00Z', to: '2026-01-01T00:00:00Z' }, 'query.to', 'must be after from'],
    ['an empty window', { from: '2026-02-01T00:00:00Z', to: '2026-02-01T00:00:00Z' }, 'query.to', 'must be after from'],
    ['an unknown parameter', { stage: 'x' }, 'query', "unknown parameter 'stage'"],
  ])('rejects %s', (_case, query, path, message) => {
    const problem = problemOf(journeyMapQuerySchema, query);

    expect(problem.path).toBe(path);
    expect(problem.message).toContain(message);
  });
});

describe('painPointsQuerySchema', () => {
  it('defaults minCustomers to 10', () => {
    expect(parseInput(painPointsQuerySchema, {}, 'query').minCustomers).toBe(10);
  });

  it.each(['0', '-1', '1.5', 'ten'])('rejects minCustomers=%s', (value) => {
    expect(problemOf(painPointsQuerySchema, { minCustomers: value }).path).toBe('query.minCustomers');
  });
});

describe('journeyPathsQuerySchema', () => {
  it('defaults the limit and the route minimum', () => {
    expect(parseInput(journeyPathsQuerySchema, {}, 'query')).toMatchObject({ limit: 10, minRouteCustomers: 5 });
  });

  it('rejects a limit above 100', () => {
    expect(problemOf(journeyPathsQuerySchema, { limit: '101' })).toEqual({ path: 'query.limit', message: 'must be at most 100' });
  });
});
