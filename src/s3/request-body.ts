/** Request bodies: the length a body upload must declare, and small bodies (XML documents) read with a size bound. */
import type { Readable } from 'node:stream';
import { s3Error } from '../common/api-error.js';
import { parseXml, xmlChildren, xmlText, type XmlElement } from '../common/xml-reader.js';
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
  const text = (await readBody(body)).toString('utf8');
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
