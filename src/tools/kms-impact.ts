/** `strongroom kms impact KEY`: every object version (and part) whose data key a KMS key protects — what disabling or deleting that key would make unreadable. */
import type { OpenedData } from '../app.js';
import { scanObjects } from './object-scan.js';

export interface ImpactedObject {
  readonly bucket: string;
  readonly key: string;
  readonly versionId: string | undefined;
  readonly kind: 'sse-kms' | 'dsse-kms';
  readonly bucketKey: boolean;
  readonly parts: number;
}

/**
 * Scans every version of every object (current and noncurrent, delete markers aside) and reads each part's
 * sealed-key record: SSE-KMS and DSSE-KMS records name the key ARN that sealed them. Only reads.
 */
export async function kmsImpact(data: OpenedData, keyRef: string, bucket?: string): Promise<{ keyId: string; objects: ImpactedObject[] }> {
  const keyId = await data.kms.keyIdFor(keyRef);
  if (keyId === undefined) throw new Error(`no such alias: ${keyRef}`);
  const objects: ImpactedObject[] = [];
  for await (const object of scanObjects(data.meta, bucket)) {
    let hit: ImpactedObject | undefined;
    for (const part of object.parts) {
      const d = data.envelope.describeSealedKey(part.sealedKey);
      if ((d.kind !== 'sse-kms' && d.kind !== 'dsse-kms') || !d.kmsKeyArn?.endsWith(`:key/${keyId}`)) continue;
      hit = { bucket: object.bucket, key: object.key, versionId: object.versionId, kind: d.kind, bucketKey: d.bucketKey, parts: (hit?.parts ?? 0) + 1 };
    }
    if (hit) objects.push(hit);
  }
  return { keyId, objects };
}
