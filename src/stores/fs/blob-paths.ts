/** Blob id → sharded relative path. Ids are random hex; a user's key never becomes a path. */
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';

const ID_PATTERN = /^[0-9a-f]{32}$/;

/** A fresh random blob id (128 bits, hex). */
export function newBlobId(): string {
  return randomBytes(16).toString('hex');
}

export function isBlobId(id: string): boolean {
  return ID_PATTERN.test(id);
}

/** `<root>/<first two hex digits>/<id>`: 256 shards keep directories small. */
export function blobPath(root: string, id: string): string {
  if (!isBlobId(id)) throw new Error(`invalid blob id ${JSON.stringify(id)}`);
  return join(root, id.slice(0, 2), id);
}

export function blobShard(root: string, id: string): string {
  return join(root, id.slice(0, 2));
}
