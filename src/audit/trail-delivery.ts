/** `--audit-bucket`: the objects a sealed stretch becomes in a bucket, laid out and shaped as CloudTrail delivers them (`AWSLogs/…/CloudTrail/…json.gz` with `{"Records":[…]}`, the digest beside under CloudTrail-Digest). */
import { gzipSync } from 'node:zlib';
import type { DigestDocument } from './trail-digest.js';

/** Where a stretch goes: the bucket and a writer into it (the composition root puts through the S3 write path). */
export type BucketWriter = (key: string, body: Buffer, contentType: string) => Promise<void>;

/** `YYYY/MM/DD` of a CloudTrail time (`2026-11-30T19:00:00Z`) or a segment hour (`20261130T1900Z`). */
function datePath(compact: string): string {
  return `${compact.slice(0, 4)}/${compact.slice(4, 6)}/${compact.slice(6, 8)}`;
}

export interface DeliveryObject { readonly key: string; readonly body: Buffer }

/**
 * One gzipped `{"Records":[…]}` object per record file, named
 * `AWSLogs/<account>/CloudTrail/<region>/YYYY/MM/DD/<account>_CloudTrail_<region>_<YYYYMMDDTHHmmZ>_<id>.json.gz`
 * (the hour of the file; the id is the file's sequence number), and the digest, gzipped, under
 * `AWSLogs/<account>/CloudTrail-Digest/<region>/YYYY/MM/DD/<account>_CloudTrail-Digest_<region>_strongroom_<region>_<YYYYMMDDTHHmmssZ>.json.gz`.
 */
export function deliveryObjects(digest: DigestDocument, digestBytes: Buffer, segments: ReadonlyArray<{ name: string; bytes: Buffer }>, region: string): DeliveryObject[] {
  const account = digest.awsAccountId;
  const out: DeliveryObject[] = segments.map((s) => {
    const hour = s.name.slice(7, 21); // `<seq>-<YYYYMMDDTHH00Z>.jsonl`
    const records = s.bytes.toString('utf8').split('\n').filter((l) => l !== '');
    // The record lines are JSON already: joined, not parsed and re-serialised.
    const body = Buffer.from(`{"Records":[${records.join(',')}]}`, 'utf8');
    return {
      key: `AWSLogs/${account}/CloudTrail/${region}/${datePath(hour)}/${account}_CloudTrail_${region}_${hour}_S${s.name.slice(0, 6)}.json.gz`,
      body: gzipSync(body),
    };
  });
  const end = digest.digestEndTime.replace(/[-:]/g, ''); // 20261130T193512Z
  out.push({
    key: `AWSLogs/${account}/CloudTrail-Digest/${region}/${datePath(end)}/${account}_CloudTrail-Digest_${region}_strongroom_${region}_${end}.json.gz`,
    body: gzipSync(digestBytes),
  });
  return out;
}

/** The delivery the trail calls after each seal: every object of the stretch, in order, into the bucket. */
export function bucketDelivery(region: string, write: BucketWriter): (digest: DigestDocument, digestBytes: Buffer, segments: ReadonlyArray<{ name: string; bytes: Buffer }>) => Promise<void> {
  return async (digest, digestBytes, segments) => {
    for (const o of deliveryObjects(digest, digestBytes, segments, region)) await write(o.key, o.body, 'application/json');
  };
}
