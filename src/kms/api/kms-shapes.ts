/** Request members of the KMS JSON protocol, checked as KMS checks them (ValidationException "1 validation error detected: …"); blobs are base64 in JSON. */
import { kmsError } from '../../common/api-error.js';
import type { KmsCall, KmsService } from '../kms-service.js';

export type KmsInput = Readonly<Record<string, unknown>>;
export type KmsOutput = Record<string, unknown>;

export interface KmsHandlerContext { readonly service: KmsService; readonly call: KmsCall }
export type KmsHandler = (input: KmsInput, ctx: KmsHandlerContext) => Promise<KmsOutput>;

/** The member name as KMS's validation messages spell it (lower camel case). */
const memberName = (name: string) => name.charAt(0).toLowerCase() + name.slice(1);

function invalid(name: string, value: unknown, constraint: string): never {
  const shown = value === undefined ? 'null' : `'${typeof value === 'string' ? value : JSON.stringify(value)}'`;
  throw kmsError('ValidationException', { message: `1 validation error detected: Value ${shown} at '${memberName(name)}' failed to satisfy constraint: ${constraint}` });
}

export function optionalString(input: KmsInput, name: string, max = 2048): string | undefined {
  const v = input[name];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw kmsError('ValidationException', { message: `Start of structure or map found where not expected at '${memberName(name)}'.` });
  if (v.length > max) invalid(name, v, `Member must have length less than or equal to ${max}`);
  return v;
}

export function requiredString(input: KmsInput, name: string, max = 2048): string {
  const v = optionalString(input, name, max);
  if (v === undefined) invalid(name, undefined, 'Member must not be null');
  if (v.length < 1) invalid(name, v, 'Member must have length greater than or equal to 1');
  return v;
}

export function optionalInteger(input: KmsInput, name: string, min: number, max: number): number | undefined {
  const v = input[name];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'number' || !Number.isInteger(v)) throw kmsError('ValidationException', { message: `Value at '${memberName(name)}' must be an integer.` });
  if (v < min) invalid(name, String(v), `Member must have value greater than or equal to ${min}`);
  if (v > max) invalid(name, String(v), `Member must have value less than or equal to ${max}`);
  return v;
}

export function optionalBoolean(input: KmsInput, name: string): boolean | undefined {
  const v = input[name];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'boolean') throw kmsError('ValidationException', { message: `Value at '${memberName(name)}' must be a boolean.` });
  return v;
}

/** A blob member (base64 in JSON), 1..max bytes. */
export function requiredBlob(input: KmsInput, name: string, max: number): Buffer {
  const v = input[name];
  if (v === undefined || v === null) invalid(name, undefined, 'Member must not be null');
  if (typeof v !== 'string' || !/^[A-Za-z0-9+/]*={0,2}$/.test(v)) throw kmsError('ValidationException', { message: `Value at '${memberName(name)}' is not valid base64.` });
  const b = Buffer.from(v, 'base64');
  if (b.length < 1) invalid(name, undefined, 'Member must have length greater than or equal to 1');
  if (b.length > max) throw kmsError('ValidationException', { message: `1 validation error detected: Value at '${memberName(name)}' failed to satisfy constraint: Member must have length less than or equal to ${max}` });
  return b;
}

/** A string → string map (EncryptionContext, grant constraints). */
export function stringMap(input: KmsInput, name: string): Record<string, string> {
  const v = input[name];
  if (v === undefined || v === null) return {};
  if (typeof v !== 'object' || Array.isArray(v)) throw kmsError('ValidationException', { message: `Value at '${memberName(name)}' must be a map of strings.` });
  const out: Record<string, string> = {};
  for (const [k, val] of Object.entries(v as Record<string, unknown>)) {
    if (typeof val !== 'string') throw kmsError('ValidationException', { message: `Value at '${memberName(name)}.${k}' must be a string.` });
    out[k] = val;
  }
  return out;
}

export function stringList(input: KmsInput, name: string, required: boolean): string[] {
  const v = input[name];
  if (v === undefined || v === null) {
    if (required) invalid(name, undefined, 'Member must not be null');
    return [];
  }
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) throw kmsError('ValidationException', { message: `Value at '${memberName(name)}' must be a list of strings.` });
  return v as string[];
}

export function tagList(input: KmsInput, name: string): Array<{ TagKey: string; TagValue: string }> {
  const v = input[name];
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) throw kmsError('ValidationException', { message: `Value at '${memberName(name)}' must be a list of tags.` });
  return v.map((t: unknown) => {
    const tag = (t ?? {}) as Record<string, unknown>;
    if (typeof tag['TagKey'] !== 'string' || typeof tag['TagValue'] !== 'string' || tag['TagKey'].length < 1 || tag['TagKey'].length > 128 || tag['TagValue'].length > 256) {
      throw kmsError('TagException', { message: 'Tag keys must be 1–128 characters and tag values 0–256 characters.' });
    }
    return { TagKey: tag['TagKey'], TagValue: tag['TagValue'] };
  });
}

/** Members KMS accepts but Strongroom does not implement: refused, never silently ignored. */
export function refuseMembers(input: KmsInput, names: readonly string[]): void {
  for (const n of names) {
    if (input[n] !== undefined && input[n] !== null) throw kmsError('UnsupportedOperationException', { message: `${n} is not supported by this KMS.` });
  }
}
