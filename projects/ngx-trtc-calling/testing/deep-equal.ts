/** A test runner's asymmetric matcher (`expect.objectContaining(...)`, `expect.any(Number)`, …). */
interface AsymmetricMatcher {
  asymmetricMatch(other: unknown): boolean;
}

function isAsymmetricMatcher(value: unknown): value is AsymmetricMatcher {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as Partial<AsymmetricMatcher>).asymmetricMatch === 'function'
  );
}

/**
 * Structural equality of plain data (primitives, arrays, plain objects, Dates, Maps, Sets),
 * enough to match recorded values against marble letters; an asymmetric matcher of jest or
 * vitest (`expect.objectContaining(...)`) on either side, at any depth, decides for its part.
 * Internal to the testing entry point.
 */
export function deepEqual(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (isAsymmetricMatcher(a)) return a.asymmetricMatch(b);
  if (isAsymmetricMatcher(b)) return b.asymmetricMatch(a);
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Object.getPrototypeOf(a) !== Object.getPrototypeOf(b)) return false;
  if (a instanceof Date) return a.getTime() === (b as Date).getTime();
  if (a instanceof Error) return a.name === (b as Error).name && a.message === (b as Error).message;
  if (Array.isArray(a)) {
    const other = b as unknown[];
    return a.length === other.length && a.every((item, i) => deepEqual(item, other[i]));
  }
  if (a instanceof Map) {
    const other = b as Map<unknown, unknown>;
    if (a.size !== other.size) return false;
    for (const [key, value] of a) {
      if (!other.has(key) || !deepEqual(value, other.get(key))) return false;
    }
    return true;
  }
  if (a instanceof Set) {
    const other = b as Set<unknown>;
    return a.size === other.size && [...a].every((item) => other.has(item));
  }
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.length !== kb.length) return false;
  return ka.every(
    (k) =>
      Object.prototype.hasOwnProperty.call(b, k) &&
      deepEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]),
  );
}
