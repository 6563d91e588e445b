/** Multipart checksums: the checksum type an upload may use, each part's checksum, and the object's checksum at Complete (COMPOSITE or FULL_OBJECT). */
import type { IncomingHttpHeaders } from 'node:http';
import { s3Error } from '../common/api-error.js';
import type { PartRecord, UploadRecord } from '../stores/meta-store.js';
import { CHECKSUM_ALGORITHMS, checksumHeader, compositeChecksum, type ChecksumAlgorithm } from './checksums.js';
import { CRC32, CRC32C, CRC64NVME, crcFromBase64, crcOfConcatenation, crcToBase64, type CrcParameters } from './crc-combine.js';
import { header } from './metadata-headers.js';
import type { PayloadChecks } from './object-writer.js';

export type ChecksumType = 'COMPOSITE' | 'FULL_OBJECT';

/** Only CRCs can be combined across parts, and CRC64NVME exists only as a full-object checksum. */
const CRC_PARAMETERS: Partial<Record<ChecksumAlgorithm, CrcParameters>> = { CRC32, CRC32C, CRC64NVME };

/**
 * CreateMultipartUpload's x-amz-checksum-type against its algorithm, as S3 checks it: a type needs an
 * algorithm; FULL_OBJECT needs a CRC; CRC64NVME is never COMPOSITE. The default is COMPOSITE, except
 * FULL_OBJECT for CRC64NVME.
 */
export function uploadChecksumType(algorithm: ChecksumAlgorithm | undefined, rawType: string | undefined): ChecksumType | undefined {
  const type = rawType?.toUpperCase();
  if (type !== undefined && type !== 'COMPOSITE' && type !== 'FULL_OBJECT') {
    throw s3Error('InvalidRequest', { message: 'Value for x-amz-checksum-type header is invalid.' });
  }
  if (algorithm === undefined) {
    if (type !== undefined) throw s3Error('InvalidRequest', { message: 'The x-amz-checksum-type header can only be used with the x-amz-checksum-algorithm header.' });
    return undefined;
  }
  if (type === 'FULL_OBJECT' && CRC_PARAMETERS[algorithm] === undefined) {
    throw s3Error('InvalidRequest', { message: `The FULL_OBJECT checksum type cannot be used with the ${algorithm.toLowerCase()} checksum algorithm.` });
  }
  if (type === 'COMPOSITE' && algorithm === 'CRC64NVME') {
    throw s3Error('InvalidRequest', { message: 'The COMPOSITE checksum type cannot be used with the crc64nvme checksum algorithm.' });
  }
  return (type as ChecksumType | undefined) ?? (algorithm === 'CRC64NVME' ? 'FULL_OBJECT' : 'COMPOSITE');
}

/**
 * The checks for a part of an upload that has a checksum algorithm: a part sent with another algorithm is
 * refused, a part sent without one gets the upload's computed here, so the object's checksum can be
 * derived at Complete.
 */
export function partChecks(checks: PayloadChecks, upload: UploadRecord): PayloadChecks {
  const algorithm = upload.checksumAlgorithm as ChecksumAlgorithm | undefined;
  if (algorithm === undefined) return checks;
  if (checks.checksum === undefined) return { ...checks, checksum: algorithm };
  if (checks.checksum !== algorithm) {
    throw s3Error('InvalidRequest', {
      message: `Checksum Type mismatch occurred, expected checksum Type: ${algorithm.toLowerCase()}, actual checksum Type: ${checks.checksum.toLowerCase()}`,
    });
  }
  return checks;
}

/**
 * The object's checksum from its parts' checksums: a checksum of checksums ("-N") for COMPOSITE, the CRC of
 * the whole object for FULL_OBJECT (the part CRCs combined, no byte read again). Empty when the upload has
 * no algorithm or a part lacks its checksum (parts stored before parts always got one).
 */
export function objectChecksums(upload: UploadRecord, parts: readonly PartRecord[]): Record<string, string> {
  const algorithm = upload.checksumAlgorithm as ChecksumAlgorithm | undefined;
  if (!algorithm) return {};
  const digests = parts.map((p) => p.checksums[algorithm]);
  if (digests.some((d) => d === undefined)) return {};
  if (upload.checksumType === 'FULL_OBJECT') {
    const p = CRC_PARAMETERS[algorithm];
    if (!p) return {};
    const crc = crcOfConcatenation(p, parts.map((part, i) => ({ crc: crcFromBase64(p, digests[i]!), length: part.size })));
    return { [algorithm]: crcToBase64(p, crc) };
  }
  return { [algorithm]: compositeChecksum(algorithm, digests as string[]) };
}

/**
 * Complete's own x-amz-checksum-type and x-amz-checksum-<alg> headers: the type and algorithm must be the
 * upload's (InvalidRequest), and the value must equal the object's checksum (BadDigest). A COMPOSITE value
 * may be sent with or without its "-N" suffix.
 */
export function verifyCompleteChecksum(headers: IncomingHttpHeaders, upload: UploadRecord, checksums: Readonly<Record<string, string>>): void {
  const type = header(headers, 'x-amz-checksum-type')?.toUpperCase();
  if (type !== undefined && type !== upload.checksumType) {
    throw s3Error('InvalidRequest', {
      message: `The upload was created using the ${upload.checksumType ?? 'null'} checksum mode. The complete request must use the same checksum mode.`,
    });
  }
  const sent = CHECKSUM_ALGORITHMS.filter((a) => headers[checksumHeader(a)] !== undefined);
  if (sent.length === 0) return;
  if (sent.length > 1) throw s3Error('InvalidRequest', { message: 'Expecting a single x-amz-checksum- header. Multiple checksum Types are not allowed.' });
  const algorithm = sent[0]!;
  if (algorithm !== upload.checksumAlgorithm) {
    throw s3Error('InvalidRequest', {
      message: `The upload was created using the ${upload.checksumAlgorithm?.toLowerCase() ?? 'null'} checksum algorithm. The complete request must use the same checksum algorithm.`,
    });
  }
  const expected = checksums[algorithm];
  if (expected === undefined) {
    throw s3Error('InvalidRequest', { message: `The ${algorithm.toLowerCase()} checksum of one or more parts is unknown, so the object's cannot be checked.` });
  }
  const value = header(headers, checksumHeader(algorithm))!.trim();
  const matches = upload.checksumType === 'COMPOSITE' ? value === expected || `${value}-${expected.split('-').pop()}` === expected : value === expected;
  if (!matches) throw s3Error('BadDigest', { message: `The ${algorithm.toLowerCase()} you specified did not match the calculated checksum.` });
}
