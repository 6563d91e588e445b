/** `strongroom scrub`: checks every object's layout manifest and authenticates every package of every part (or one bucket's); reports each failure. */
import { pipeline } from 'node:stream/promises';
import { Readable, Writable } from 'node:stream';
import type { OpenedData } from '../app.js';
import { isApiError } from '../common/api-error.js';
import type { Principal } from '../common/principal.js';
import { rootPrincipal } from '../iam/credential-lookup.js';
import type { ReadKeys } from '../sse/envelope.js';
import type { ObjectRecord } from '../stores/meta-store.js';
import { Progress } from './progress.js';
import { countObjects, scanObjects } from './object-scan.js';

/** A failure names its part, or partNumber undefined when the object's layout (part list, sizes, count) failed. */
export interface ScrubResult { readonly objects: number; readonly parts: number; readonly skipped: number; readonly failures: Array<{ bucket: string; key: string; partNumber: number | undefined; reason: string }> }

/** Decrypts a whole part blob, including any bytes past its expected end (which must fail). */
async function verifyPart(data: OpenedData, object: ObjectRecord, index: number, keys: ReadKeys): Promise<void> {
  const part = object.parts[index]!;
  const binding = { bucket: object.bucket, key: object.key, writeId: part.writeId, partNumber: part.partNumber };
  const decrypt = await data.envelope.openWholeBlob(part.sealedKey, binding, part.size, keys);
  // Read the blob unranged so the header and any appended bytes reach the decrypt stream too.
  const blob = part.inline ? Readable.from([part.inline]) : await data.blobs.read(part.blobId);
  let plaintext = 0;
  await pipeline(blob, decrypt, new Writable({ write(chunk: Buffer, _e, cb) { plaintext += chunk.length; cb(); } }));
  if (plaintext !== part.size) throw new Error(`expected ${part.size} plaintext bytes, got ${plaintext}`);
}

/**
 * Who opens SSE-KMS and DSSE-KMS data keys: the bucket owner's account root (the operator acts for the
 * owner), through the same KMS key use as S3, so the key policy, the key's state and the audit trail apply.
 */
async function ownerOf(data: OpenedData, bucket: string, owners: Map<string, Principal | undefined>): Promise<Principal | undefined> {
  if (!owners.has(bucket)) {
    const record = await data.meta.getBucket(bucket);
    const account = record && await data.iam.getAccount(record.ownerAccountId);
    owners.set(bucket, account && rootPrincipal(account, 'strongroom-scrub'));
  }
  return owners.get(bucket);
}

/** A KMS refusal (disabled, pending deletion, deleted, denied key): the data cannot be checked now, but nothing shows it damaged. */
function unusableKmsKey(err: unknown): string | undefined {
  return isApiError(err) && err.service === 'kms' && err.code !== 'InvalidCiphertextException' ? err.code : undefined;
}

export async function scrub(data: OpenedData, options: { bucket?: string; report: (line: string) => void }): Promise<ScrubResult> {
  const total = await countObjects(data.meta, options.bucket);
  const progress = new Progress('scrub', total);
  const failures: ScrubResult['failures'] = [];
  const owners = new Map<string, Principal | undefined>();
  let objects = 0;
  let parts = 0;
  let skipped = 0;
  for await (const object of scanObjects(data.meta, options.bucket)) {
    // INVARIANT 9: the layout first; the parts are still verified, so every damaged piece is reported.
    try {
      await data.envelope.checkLayout(object);
    } catch (err) {
      const reason = err instanceof Error ? err.message : String(err);
      failures.push({ bucket: object.bucket, key: object.key, partNumber: undefined, reason });
      options.report(`FAILED s3://${object.bucket}/${object.key} layout: ${reason}`);
    }
    for (let i = 0; i < object.parts.length; i++) {
      const { kind } = data.envelope.describeSealedKey(object.parts[i]!.sealedKey);
      // SSE-C: only the customer holds the key, so the packages cannot be opened here (the layout was checked).
      if (kind === 'sse-c') {
        skipped++;
        options.report(`SKIPPED s3://${object.bucket}/${object.key} part ${object.parts[i]!.partNumber}: SSE-C, the key is the customer's`);
        continue;
      }
      const keys: ReadKeys = kind === 'sse-s3' ? {} : { caller: { principal: await ownerOf(data, object.bucket, owners), requestId: 'strongroom-scrub' } };
      try {
        await verifyPart(data, object, i, keys);
        parts++;
      } catch (err) {
        const kmsCode = unusableKmsKey(err);
        if (kmsCode !== undefined) {
          skipped++;
          options.report(`SKIPPED s3://${object.bucket}/${object.key} part ${object.parts[i]!.partNumber}: its KMS key cannot be used (${kmsCode})`);
          continue;
        }
        parts++;
        const reason = err instanceof Error ? err.message : String(err);
        failures.push({ bucket: object.bucket, key: object.key, partNumber: object.parts[i]!.partNumber, reason });
        options.report(`FAILED s3://${object.bucket}/${object.key} part ${object.parts[i]!.partNumber}: ${reason}`);
      }
    }
    objects++;
    progress.tick();
  }
  progress.finish();
  return { objects, parts, skipped, failures };
}
