/** The canonical encoding of a KMS EncryptionContext, bound into every ciphertext blob as AEAD associated data: order-independent and unambiguous. */

export type EncryptionContext = Readonly<Record<string, string>>;

/**
 * FROZEN: uint16 BE count, then for each pair sorted by the key's UTF-8 bytes: uint16 BE key length, key,
 * uint16 BE value length, value. Two contexts encode equally exactly when they hold the same pairs.
 */
export function canonicalContext(context: EncryptionContext): Buffer {
  const pairs = Object.entries(context).map(([k, v]) => [Buffer.from(k, 'utf8'), Buffer.from(v, 'utf8')] as const).sort((a, b) => Buffer.compare(a[0], b[0]));
  const parts: Buffer[] = [u16(pairs.length)];
  for (const [k, v] of pairs) parts.push(u16(k.length), k, u16(v.length), v);
  return Buffer.concat(parts);
}

function u16(n: number): Buffer {
  if (n > 0xffff) throw new RangeError('encryption context field longer than 65535 bytes');
  const b = Buffer.alloc(2);
  b.writeUInt16BE(n);
  return b;
}
