import { toCsv } from './report-export.ts';

describe('toCsv', () => {
  it('writes a header and CRLF lines', () => {
    expect(toCsv(['a', 'b'], [[1, 'x']])).toBe('a,b\r\n1,x\r\n');
  });

  it('writes null as an empty field and booleans as words', () => {
    expect(toCsv(['a', 'b', 'c'], [[null, true, false]])).toBe('a,b,c\r\n,true,false\r\n');
  });

  it('quotes commas, quotes and line breaks', () => {
    expect(toCsv(['note'], [['one, "two"\nthree']])).toBe('note\r\n"one, ""two""\nthree"\r\n');
  });

  it('keeps numbers in full precision, negative ones unchanged', () => {
    expect(toCsv(['x', 'y'], [[0.1 + 0.2, -1.5e-12]])).toBe('x,y\r\n0.30000000000000004,-1.5e-12\r\n');
  });

  it('defuses text that a spreadsheet would run as a formula', () => {
    expect(toCsv(['segment'], [['=HYPERLINK("x")'], ['-gold'], ['@home']])).toBe(
      'segment\r\n"\'=HYPERLINK(""x"")"\r\n\'-gold\r\n\'@home\r\n',
    );
  });
});
