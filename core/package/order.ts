/**
 * The order of named components inside customizations.xml (entities, forms, views, option sets, flows,
 * controls): by lower-cased name, then exactly. The generator writes this order and `pack` restores it,
 * since the unpacked folder layout itself records no order; that is what makes pack(unpack(zip))
 * byte-identical for our zips.
 */
export function compareNames(a: string, b: string): number {
  const la = a.toLowerCase();
  const lb = b.toLowerCase();
  if (la !== lb) return la < lb ? -1 : 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** A sorted copy, by the name `key` gives each item. */
export const sortedBy = <T>(items: readonly T[], key: (item: T) => string): T[] => [...items].sort((a, b) => compareNames(key(a), key(b)));
