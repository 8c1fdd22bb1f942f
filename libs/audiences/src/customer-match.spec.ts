import { createHash } from 'node:crypto';
import { customerMatchRow, formatCustomerMatchLine, normalizeEmail, normalizePhone, sha256Hex } from './customer-match.ts';

describe('normalizeEmail', () => {
  it.each<[unknown, string | null]>([
    ['  Ada.Lovelace@Example.COM ', 'ada.lovelace@example.com'],
    ['ada@example.com', 'ada@example.com'],
    ['no-at-sign.example.com', null],
    ['two@@example.com', null],
    ['ada@localhost', null],
    ['', null],
    [42, null],
    [null, null],
  ])('%p becomes %p', (input, expected) => {
    expect(normalizeEmail(input)).toBe(expected);
  });
});

describe('normalizePhone', () => {
  it.each<[unknown, string | null]>([
    ['+1 (555) 010-0199', '+15550100199'],
    ['+49 30 1234567', '+49301234567'],
    ['0049 30 1234567', '+49301234567'],
    [' +44.20.7946.0958 ', '+442079460958'],
    ['030 1234567', null], // no country code
    ['+0 123 456 789', null], // country codes never start with 0
    ['+1234567', null], // 7 digits: too short
    ['+1234567890123456', null], // 16 digits: too long
    ['+49 30 CALL-ME', null],
    [4930123456, null],
  ])('%p becomes %p', (input, expected) => {
    expect(normalizePhone(input)).toBe(expected);
  });
});

describe('sha256Hex', () => {
  it('matches the known digest of an empty string', () => {
    expect(sha256Hex('')).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  });
});

describe('customerMatchRow', () => {
  const hash = (text: string) => createHash('sha256').update(text).digest('hex');

  it('hashes the normalised values', () => {
    expect(customerMatchRow({ email: ' Ada@Example.com', phone: '+1 555 010 0199' })).toEqual({
      email: hash('ada@example.com'),
      phone: hash('+15550100199'),
    });
  });

  it('leaves out invalid or missing values', () => {
    expect(customerMatchRow({ email: 'not an address', segment: 'gold' })).toEqual({ email: null, phone: null });
    expect(customerMatchRow(null)).toEqual({ email: null, phone: null });
  });
});

describe('formatCustomerMatchLine', () => {
  it.each<[{ email: string | null; phone: string | null }, string | null]>([
    [{ email: 'aa', phone: 'bb' }, 'aa,bb\n'],
    [{ email: 'aa', phone: null }, 'aa,\n'],
    [{ email: null, phone: 'bb' }, ',bb\n'],
    [{ email: null, phone: null }, null],
  ])('%o', (row, expected) => {
    expect(formatCustomerMatchLine(row)).toBe(expected);
  });
});
