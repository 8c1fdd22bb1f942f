import { entityTag, matchesIfNoneMatch } from './platform-offer.service.ts';

describe('entityTag', () => {
  it('is quoted hex and follows the body', () => {
    const tag = entityTag({ offer: 'a' });

    expect(tag).toMatch(/^"[0-9a-f]{32}"$/);
    expect(entityTag({ offer: 'a' })).toBe(tag);
    expect(entityTag({ offer: 'b' })).not.toBe(tag);
  });
});

describe('matchesIfNoneMatch', () => {
  const etag = '"0123456789abcdef0123456789abcdef"';
  it.each<[string | undefined, boolean]>([
    [undefined, false],
    ['', false],
    [etag, true],
    [`W/${etag}`, true],
    [`"other", ${etag}`, true],
    ['*', true],
    ['"other"', false],
    [etag.slice(1, -1), false],
  ])('%p is %p', (header, expected) => {
    expect(matchesIfNoneMatch(header, etag)).toBe(expected);
  });
});
