/** Key ordering shared by stores and listing: S3 lists in UTF-8 byte order, which is code point order. */

/**
 * The smallest string greater than every string that starts with `prefix`, in UTF-8 byte order;
 * undefined for the empty prefix (nothing bounds it).
 */
export function prefixUpperBound(prefix: string): string | undefined {
  const points = Array.from(prefix);
  while (points.length > 0) {
    const last = points.pop()!.codePointAt(0)!;
    if (last < 0x10ffff) {
      // Skip the surrogate range, which is not valid in UTF-8.
      const next = last + 1 === 0xd800 ? 0xe000 : last + 1;
      return points.join('') + String.fromCodePoint(next);
    }
  }
  return undefined;
}
