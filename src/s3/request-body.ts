/** Request bodies: the length a body upload must declare, small bodies (XML documents) read with a size bound, and the digest some operations require on them. */
import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import { s3Error } from '../common/api-error.js';
import { parseXml, xmlChildren, xmlText, type XmlElement } from '../common/xml-reader.js';
import { createHasher, CHECKSUM_ALGORITHMS, checksumHeader, type ChecksumAlgorithm } from './checksums.js';
import { header } from './metadata-headers.js';
import type { S3Request } from './s3-request.js';

/**
 * PutObject and UploadPart need the body's length up front: Content-Length, or x-amz-decoded-content-length
 * for aws-chunked. A bare `Transfer-Encoding: chunked` body has none, and S3 answers 411 MissingContentLength
 * (https://docs.aws.amazon.com/AmazonS3/latest/API/ErrorResponses.html) before reading it.
 */
export function requireContentLength(req: S3Request): void {
  if (req.contentLength === undefined || !Number.isSafeInteger(req.contentLength) || req.contentLength < 0) throw s3Error('MissingContentLength');
}

/** S3 bounds its XML bodies; 1 MiB covers a 1,000-key DeleteObjects and a 10,000-part Complete needs ~ 1 MiB too. */
export const MAX_XML_BODY = 2 * 1024 * 1024;

export async function readBody(body: Readable, limit = MAX_XML_BODY): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += (chunk as Buffer).length;
    if (size > limit) {
      body.destroy();
      throw s3Error('MaxMessageLengthExceeded');
    }
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/** Reads and parses an XML body whose root must be `root`; MalformedXML otherwise. */
export async function readXmlBody(body: Readable, root: string): Promise<XmlElement> {
  return parseXmlBody(await readBody(body), root);
}

/** readXmlBody for the operations S3 requires a digest of (verifyBodyDigest): checked before the XML is parsed. */
export async function readDigestedXmlBody(req: S3Request, root: string): Promise<XmlElement> {
  const raw = await readBody(req.body);
  verifyBodyDigest(req, raw);
  return parseXmlBody(raw, root);
}

function parseXmlBody(raw: Buffer, root: string): XmlElement {
  const text = raw.toString('utf8');
  if (text.trim() === '') throw s3Error('MalformedXML');
  const doc = parseXml(text);
  if (doc.root !== root) throw s3Error('MalformedXML');
  return doc.value;
}

/** A Tagging document's one TagSet as [key, value] pairs (bucket and object tagging); MalformedXML otherwise. */
export async function readTagSet(body: Readable): Promise<Array<[string, string]>> {
  const doc = await readXmlBody(body, 'Tagging');
  const tagSets = xmlChildren(doc, 'TagSet');
  if (tagSets.length !== 1) throw s3Error('MalformedXML');
  return xmlChildren(tagSets[0], 'Tag').map((t): [string, string] => {
    const k = xmlText(t, 'Key');
    const v = xmlText(t, 'Value');
    if (k === undefined || v === undefined) throw s3Error('MalformedXML');
    return [k, v];
  });
}

/**
 * S3 requires Content-MD5 or an x-amz-checksum-* on the operations botocore marks requestChecksumRequired
 * (DeleteObjects, UpdateObjectEncryption, PutObjectRetention, PutObjectLegalHold, PutObjectLockConfiguration), and checks it against the body read whole. A checksum declared
 * by x-amz-trailer counts only once the trailer has arrived (the body is read by now) and matches: a
 * bare x-amz-trailer header must not let the request skip the check.
 */
export function verifyBodyDigest(req: S3Request, body: Buffer): void {
  const md5 = header(req.headers, 'content-md5');
  const algorithm = CHECKSUM_ALGORITHMS.find((a) => req.headers[checksumHeader(a)] !== undefined);
  const trailerName = header(req.headers, 'x-amz-trailer')?.trim().toLowerCase();
  const trailerAlgorithm = CHECKSUM_ALGORITHMS.find((a) => checksumHeader(a) === trailerName);
  if (md5 === undefined && algorithm === undefined && trailerAlgorithm === undefined) {
    throw s3Error('InvalidRequest', { message: 'Missing required header for this request: Content-MD5' });
  }
  if (md5 !== undefined) {
    const given = Buffer.from(md5, 'base64');
    if (given.length !== 16) throw s3Error('InvalidDigest');
    if (!createHash('md5').update(body).digest().equals(given)) throw s3Error('BadDigest');
  }
  if (algorithm !== undefined) checkChecksum(algorithm, body, header(req.headers, checksumHeader(algorithm)));
  if (trailerAlgorithm !== undefined) {
    const value = req.trailers()[checksumHeader(trailerAlgorithm)];
    if (value === undefined) throw s3Error('MalformedTrailerError', { details: { TrailerHeader: checksumHeader(trailerAlgorithm) } });
    checkChecksum(trailerAlgorithm, body, value.trim());
  }
}

function checkChecksum(algorithm: ChecksumAlgorithm, body: Buffer, given: string | undefined): void {
  const h = createHasher(algorithm);
  h.update(body);
  if (h.digest() !== given) throw s3Error('BadDigest', { message: `The ${algorithm} you specified did not match the calculated checksum.` });
}
