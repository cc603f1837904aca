/** A CommonJS SDK seen through `import()`: its exports, or a namespace whose `default` holds them. */
export type ModuleOrNamespace<T> = T | { readonly default: T };

/**
 * The SDK object of a module namespace. Bundlers and jest hand a CommonJS module
 * (`module.exports = TIM`) to `import()` either as a namespace with `default` or as the
 * exports themselves; `has` tells the SDK object apart by a member only it has.
 */
export function unwrapModule<T extends object>(mod: ModuleOrNamespace<T>, has: keyof T): T {
  if (has in mod) return mod as T;
  const inner = (mod as { readonly default?: T }).default;
  if (inner && typeof inner === 'object' && has in inner) return inner;
  throw new TypeError(`not the expected SDK module (no "${String(has)}")`);
}
