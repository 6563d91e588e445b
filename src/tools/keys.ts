/** `strongroom keys rotate|rewrap|list`: the SSE-S3 master key's versions, and resealing data keys without touching data. */
import type { OpenedData } from '../app.js';
import { Progress } from './progress.js';
import { countObjects, scanObjects } from './object-scan.js';

export async function rotateMasterKey(data: OpenedData): Promise<number> {
  return data.keys.rotate();
}

export interface RewrapResult { readonly examined: number; readonly resealed: number; readonly vanished: number }

/**
 * Reseals every object part's data key under the newest master key version (INVARIANT 8: the blobs
 * are neither read nor written). Resumable: a part already under the newest version is skipped, so an
 * interrupted run simply starts again.
 */
export async function rewrapAll(data: OpenedData): Promise<RewrapResult> {
  const progress = new Progress('rewrap', await countObjects(data.meta));
  let examined = 0;
  let resealed = 0;
  let vanished = 0;
  for await (const object of scanObjects(data.meta)) {
    for (const part of object.parts) {
      examined++;
      const binding = { bucket: object.bucket, key: object.key, writeId: part.writeId, partNumber: part.partNumber };
      const sealed = await data.envelope.reseal(part.sealedKey, binding);
      if (sealed === undefined) continue;
      if (await data.meta.updateSealedKey(object.bucket, object.key, part.writeId, part.partNumber, sealed)) resealed++;
      else vanished++;
    }
    progress.tick();
  }
  progress.finish();
  return { examined, resealed, vanished };
}
