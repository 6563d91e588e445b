/** AWS Query-protocol answers: `<ActionResponse xmlns><ActionResult>…</ActionResult><ResponseMetadata>` documents for IAM and STS. */
import { toXml, type XmlNode, type XmlValue } from '../common/xml-writer.js';
import type { IamRequest, IamResponse } from './iam-request.js';

/** The document namespaces of each Query service (also used for their ErrorResponse documents). */
export const QUERY_NAMESPACES: Readonly<Record<string, string>> = {
  iam: 'https://iam.amazonaws.com/doc/2010-05-08/',
  sts: 'https://sts.amazonaws.com/doc/2011-06-15/',
};

/** The API version each Query service answers (the request's `Version`). */
export const QUERY_VERSIONS: Readonly<Record<string, string>> = { iam: '2010-05-08', sts: '2011-06-15' };

/** A 200 answer; `result` undefined gives the empty document of actions that return nothing (PutUserPolicy…). */
export function queryResponse(service: 'iam' | 'sts', req: IamRequest, result: XmlNode | undefined): IamResponse {
  const body: XmlNode = {};
  if (result !== undefined) body[`${req.action}Result`] = result;
  body['ResponseMetadata'] = { RequestId: req.requestId };
  return { status: 200, headers: { 'content-type': 'text/xml' }, body: toXml(`${req.action}Response`, body, QUERY_NAMESPACES[service]!) };
}

/** IAM's lists: each item in a `<member>` element. */
export function members(items: readonly XmlValue[]): XmlNode {
  return { member: [...items] };
}

/** IAM's timestamps: ISO 8601 to the second, UTC (`2026-01-01T00:00:00Z`). */
export function iamDate(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}
