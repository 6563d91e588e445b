/** Single-core ceilings measured in the same run: AES-256-GCM per 64 KiB package, MD5, SHA-256, CRC32, and the disk. */
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { crc32 } from 'node:zlib';
import { mkdtempSync, rmSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const PACKAGE = 64 * 1024;

function rate(bytes: number, fn: () => void): number {
  const t0 = performance.now();
  fn();
  return bytes / ((performance.now() - t0) / 1000) / 1e6;
}

export interface Ceilings { aesSeal: number; aesOpen: number; md5: number; sha256: number; crc32: number; diskWrite: number; diskRead: number }

/** `disk` false skips the disk rows (NaN): a repeat of the CPU rows only. */
export async function measureCeilings(totalBytes: number, disk = true): Promise<Ceilings> {
  const key = randomBytes(32);
  const data = randomBytes(PACKAGE);
  const n = Math.floor(totalBytes / PACKAGE);
  const sealed: Buffer[] = [];
  const aesSeal = rate(n * PACKAGE, () => {
    for (let i = 0; i < n; i++) {
      const nonce = Buffer.alloc(12);
      nonce.writeUInt32BE(i, 7);
      const c = createCipheriv('aes-256-gcm', key, nonce);
      const body = c.update(data);
      c.final();
      if (i < 4) sealed.push(Buffer.concat([body, c.getAuthTag()]));
    }
  });
  const aesOpen = rate(n * PACKAGE, () => {
    for (let i = 0; i < n; i++) {
      const s = sealed[i % 4]!;
      const nonce = Buffer.alloc(12);
      nonce.writeUInt32BE(i % 4, 7);
      const d = createDecipheriv('aes-256-gcm', key, nonce);
      d.setAuthTag(s.subarray(PACKAGE));
      d.update(s.subarray(0, PACKAGE));
      d.final();
    }
  });
  const big = randomBytes(1 << 20);
  const loops = Math.max(1, Math.floor(totalBytes / big.length));
  const hashRate = (name: string) => rate(loops * big.length, () => { const h = createHash(name); for (let i = 0; i < loops; i++) h.update(big); h.digest(); });
  const crc = rate(loops * big.length, () => { let c = 0; for (let i = 0; i < loops; i++) c = crc32(big, c); });
  const md5 = hashRate('md5');
  const sha256 = hashRate('sha256');
  if (!disk) return { aesSeal, aesOpen, md5, sha256, crc32: crc, diskWrite: NaN, diskRead: NaN };
  const dir = mkdtempSync(join(tmpdir(), 'bench-disk-'));
  const file = join(dir, 'f');
  const h = await open(file, 'w');
  const chunk = randomBytes(4 << 20);
  let t0 = performance.now();
  for (let w = 0; w < totalBytes; w += chunk.length) await h.write(chunk);
  await h.sync();
  await h.close();
  const diskWrite = totalBytes / ((performance.now() - t0) / 1000) / 1e6;
  const r = await open(file, 'r');
  t0 = performance.now();
  const buf = Buffer.alloc(4 << 20);
  while ((await r.read(buf, 0, buf.length, null)).bytesRead > 0);
  await r.close();
  const diskRead = totalBytes / ((performance.now() - t0) / 1000) / 1e6;
  rmSync(dir, { recursive: true, force: true });
  return { aesSeal, aesOpen, md5, sha256, crc32: crc, diskWrite, diskRead };
}
