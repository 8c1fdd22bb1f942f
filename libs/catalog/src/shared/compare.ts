/**
 * Orders strings by UTF-16 code units, so lists come out in one order on every store.
 * PGlite uses the C collation. A PostgreSQL database created with a linguistic collation
 * such as en_US.UTF-8 skips `-` and `_` on the first comparison pass, so SQL would put
 * `ab` before `a-c` there.
 */
export function compareCodeUnits(a: string, b: string): number {
  if (a < b) {
    return -1;
  }
  return a > b ? 1 : 0;
}
