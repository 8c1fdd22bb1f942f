import { parseInput, ValidationError } from '#wayline/common';
import { createJourneySchema, updateJourneySchema } from './journey-definition.schemas.ts';

const stage = (key: string, touchpoints: string[] = []) => ({ key, name: key.toUpperCase(), touchpoints });
const journey = (overrides: Record<string, unknown> = {}) => ({
  key: 'care',
  name: 'Care',
  stages: [stage('contact', ['call']), stage('resolution', ['resolution'])],
  ...overrides,
});

function problemsOf(schema: Parameters<typeof parseInput>[0], body: unknown): Array<{ path: string; message: string }> {
  try {
    parseInput(schema, body, 'body');
  } catch (error) {
    if (error instanceof ValidationError) {
      return error.problems;
    }
    throw error;
  }
  throw new Error('expected a validation error');
}

describe('createJourneySchema', () => {
  it('defaults the priority to 0', () => {
    expect(parseInput(createJourneySchema, journey(), 'body').priority).toBe(0);
  });

  it('accepts a stage without touchpoints', () => {
    expect(parseInput(createJourneySchema, journey({ stages: [stage('only')] }), 'body').stages).toHaveLength(1);
  });

  it.each([
    ['a missing key', { key: undefined }, 'body.key', 'is required'],
    ['an uppercase key', { key: 'Care' }, 'body.key', 'lowercase'],
    ['an empty name', { name: '  ' }, 'body.name', 'must not be empty'],
    ['a fractional priority', { priority: 1.5 }, 'body.priority', 'integer'],
    ['no stages', { stages: [] }, 'body.stages', 'at least 1 stage'],
    ['21 stages', { stages: Array.from({ length: 21 }, (_, index) => stage(`s${index}`)) }, 'body.stages', 'at most 20'],
    ['stages that are not an array', { stages: 'contact' }, 'body.stages', 'array of stages'],
    ['a stage without touchpoints field', { stages: [{ key: 'a', name: 'A' }] }, 'body.stages[0].touchpoints', 'is required'],
    ['a bad touchpoint', { stages: [stage('a', ['Call Centre'])] }, 'body.stages[0].touchpoints[0]', 'lowercase'],
    ['an unknown stage field', { stages: [{ ...stage('a'), colour: 'red' }] }, 'body.stages[0]', "unknown field 'colour'"],
    ['an unknown field', { owner: 'me' }, 'body', "unknown field 'owner'"],
    ['a NUL character in the name', { name: 'Ca\u0000re' }, 'body.name', 'NUL'],
  ])('rejects %s', (_case, overrides, path, message) => {
    const problems = problemsOf(createJourneySchema, journey(overrides));

    expect(problems[0]?.path).toBe(path);
    expect(problems[0]?.message).toContain(message);
  });

  it('rejects a stage key used twice', () => {
    const problems = problemsOf(createJourneySchema, journey({ stages: [stage('a'), stage('b'), stage('a')] }));

    expect(problems).toEqual([{ path: 'body.stages[2].key', message: "stage key 'a' is already used by stages[0]" }]);
  });

  it('rejects a touchpoint in two stages', () => {
    const problems = problemsOf(createJourneySchema, journey({ stages: [stage('a', ['call']), stage('b', ['chat', 'call'])] }));

    expect(problems).toHaveLength(1);
    expect(problems[0]!.path).toBe('body.stages[1].touchpoints[1]');
    expect(problems[0]!.message).toContain("touchpoint 'call' is already in stage 'a'");
  });

  it('rejects a touchpoint listed twice in one stage', () => {
    const problems = problemsOf(createJourneySchema, journey({ stages: [stage('a', ['call', 'call'])] }));

    expect(problems[0]!.path).toBe('body.stages[0].touchpoints[1]');
    expect(problems[0]!.message).toContain('more than once in this stage');
  });
});

describe('updateJourneySchema', () => {
  it('rejects a key change', () => {
    const problems = problemsOf(updateJourneySchema, { key: 'other' });

    expect(problems[0]!.path).toBe('body.key');
    expect(problems[0]!.message).toContain('cannot be changed');
  });

  it('rejects an empty change', () => {
    expect(problemsOf(updateJourneySchema, {})[0]!.message).toBe('must contain at least one field to change');
  });

  it('accepts a reactivation', () => {
    expect(parseInput(updateJourneySchema, { active: true }, 'body')).toEqual({ active: true });
  });
});
