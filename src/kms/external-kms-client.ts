/** SSE-KMS through an external AWS-KMS-compatible service (--kms-endpoint): GenerateDataKey and Decrypt over the KMS JSON API, signed with SigV4. */
import { createHash, createHmac } from 'node:crypto';
import { kmsError } from '../common/api-error.js';
import type { Clock } from '../common/clock.js';
import { KMS_ERROR_CODES, type KmsErrorCode } from '../common/kms-error-codes.js';
import type { Principal } from '../common/principal.js';
import { Secret } from '../common/secret.js';
import type { KmsKeyUse } from './kms-service.js';

export interface ExternalKmsOptions {
  readonly endpoint: string;
  readonly region: string;
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
}

const sha256 = (data: string | Buffer) => createHash('sha256').update(data).digest('hex');
const hmac = (key: Buffer | string, data: string) => createHmac('sha256', key).update(data).digest();

/**
 * Calls the external service with Strongroom's own credentials (not the S3 caller's: the external KMS knows
 * nothing of Strongroom's principals). Its exceptions come back as the same KMS exceptions, so S3 maps them
 * as it maps the built-in KMS's.
 */
export class ExternalKmsClient implements KmsKeyUse {
  readonly #endpoint: URL;
  readonly #region: string;
  readonly #accessKeyId: string;
  readonly #secret: string;
  readonly #clock: Clock;

  constructor(options: ExternalKmsOptions, clock: Clock) {
    this.#endpoint = new URL(options.endpoint);
    this.#region = options.region;
    this.#accessKeyId = options.accessKeyId;
    this.#secret = options.secretAccessKey;
    this.#clock = clock;
  }

  /** SigV4 headers of one KMS JSON request (service `kms`, the configured region). */
  #sign(target: string, payload: string): Record<string, string> {
    const amzDate = this.#clock.now().toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
    const day = amzDate.slice(0, 8);
    const headers: Record<string, string> = {
      'content-type': 'application/x-amz-json-1.1', host: this.#endpoint.host, 'x-amz-date': amzDate, 'x-amz-target': `TrentService.${target}`,
    };
    const names = Object.keys(headers).sort();
    const canonical = ['POST', this.#endpoint.pathname || '/', '', ...names.map((n) => `${n}:${headers[n]}`), '', names.join(';'), sha256(payload)].join('\n');
    const scope = `${day}/${this.#region}/kms/aws4_request`;
    const toSign = ['AWS4-HMAC-SHA256', amzDate, scope, sha256(canonical)].join('\n');
    let key = hmac(`AWS4${this.#secret}`, day);
    for (const part of [this.#region, 'kms', 'aws4_request']) key = hmac(key, part);
    const signature = createHmac('sha256', key).update(toSign).digest('hex');
    headers['authorization'] = `AWS4-HMAC-SHA256 Credential=${this.#accessKeyId}/${scope}, SignedHeaders=${names.join(';')}, Signature=${signature}`;
    return headers;
  }

  async #call(target: string, body: Record<string, unknown>): Promise<Record<string, unknown>> {
    const payload = JSON.stringify(body);
    let res: Response;
    try {
      res = await fetch(this.#endpoint, { method: 'POST', headers: this.#sign(target, payload), body: payload, signal: AbortSignal.timeout(10_000) });
    } catch (err) {
      throw kmsError('DependencyTimeoutException', { message: `The external KMS did not answer: ${err instanceof Error ? err.message : String(err)}` });
    }
    const text = await res.text();
    let json: Record<string, unknown> = {};
    try {
      json = text ? JSON.parse(text) as Record<string, unknown> : {};
    } catch {
      // An answer that is not JSON: reported below by its status.
    }
    if (res.ok) return json;
    // `__type` may carry a namespace ("com.amazonaws.kms#NotFoundException").
    const type = String(json['__type'] ?? res.headers.get('x-amzn-errortype') ?? '').split('#').pop()!.split(':')[0]!;
    const message = String(json['message'] ?? json['Message'] ?? '');
    if (Object.hasOwn(KMS_ERROR_CODES, type)) throw kmsError(type as KmsErrorCode, { message });
    throw kmsError('KMSInternalException', { message: `The external KMS answered ${res.status} ${type}: ${message}` });
  }

  async generateDataKey(use: { caller: Principal | undefined; context: Readonly<Record<string, string>>; requestId: string; keyId: string | undefined }): Promise<{ keyArn: string; plaintext: Secret; ciphertextBlob: Buffer }> {
    const r = await this.#call('GenerateDataKey', { KeyId: use.keyId ?? 'alias/aws/s3', KeySpec: 'AES_256', EncryptionContext: use.context });
    const plaintext = new Secret(Buffer.from(String(r['Plaintext']), 'base64'));
    if (plaintext.length !== 32) {
      plaintext.wipe();
      throw kmsError('KMSInternalException', { message: 'The external KMS returned a data key that is not 256 bits.' });
    }
    return { keyArn: String(r['KeyId']), plaintext, ciphertextBlob: Buffer.from(String(r['CiphertextBlob']), 'base64') };
  }

  async decrypt(use: { caller: Principal | undefined; context: Readonly<Record<string, string>>; requestId: string; ciphertextBlob: Buffer }): Promise<{ keyArn: string; plaintext: Secret }> {
    const r = await this.#call('Decrypt', { CiphertextBlob: use.ciphertextBlob.toString('base64'), EncryptionContext: use.context });
    return { keyArn: String(r['KeyId']), plaintext: new Secret(Buffer.from(String(r['Plaintext']), 'base64')) };
  }
}
