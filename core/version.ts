/**
 * Compares dotted version numbers part by part, numerically (1.0.10 > 1.0.9); a missing part counts as 0
 * (1.0 = 1.0.0). Negative, zero or positive, like a sort comparator. Dataverse orders solution versions and
 * code component versions this way.
 */
export function compareVersions(a: string, b: string): number {
  const left = a.split('.').map(Number);
  const right = b.split('.').map(Number);
  for (let index = 0; index < Math.max(left.length, right.length); index += 1) {
    const difference = (left[index] ?? 0) - (right[index] ?? 0);
    if (difference !== 0) return Math.sign(difference);
  }
  return 0;
}
