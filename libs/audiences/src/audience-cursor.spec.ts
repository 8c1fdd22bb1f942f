import { ValidationError } from '#wayline/common';
import { decodeCursor, encodeCursor } from './audience.service.ts';

describe('audience cursor', () => {
  it.each(['c-1', 'customer with spaces', 'ü-ñ', 'a'.repeat(128)])('round-trips %p', (customerId) => {
    expect(decodeCursor(encodeCursor(customerId))).toBe(customerId);
  });

  it.each([
    'abc',
    Buffer.from('{"after":""}').toString('base64url'),
    Buffer.from('{"after":42}').toString('base64url'),
    Buffer.from('null').toString('base64url'),
  ])('rejects %p', (cursor) => {
    expect(() => decodeCursor(cursor)).toThrow(ValidationError);
  });
});
