/**
 * Checks whether `root` has more than `maxDepth` levels of objects and arrays; a scalar
 * has 0. The walk uses an explicit stack, so a value nested thousands deep cannot overflow
 * the call stack.
 */
export function nestsDeeperThan(root: unknown, maxDepth: number): boolean {
  const pending: Array<{ value: unknown; depth: number }> = [{ value: root, depth: 1 }];
  while (pending.length > 0) {
    const { value, depth } = pending.pop()!;
    if (typeof value !== 'object' || value === null) {
      continue;
    }
    if (depth > maxDepth) {
      return true;
    }
    for (const child of Array.isArray(value) ? value : Object.values(value)) {
      if (typeof child === 'object' && child !== null) {
        pending.push({ value: child, depth: depth + 1 });
      }
    }
  }
  return false;
}
