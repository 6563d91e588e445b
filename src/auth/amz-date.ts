/** The SigV4 timestamp `YYYYMMDDTHHMMSSZ`, parsed strictly, and the `YYYYMMDD` a credential scope must repeat. */

/** An impossible field (hour 25, day 45, month 13) is refused, not normalised into another instant by Date.UTC. */
export function parseAmzDate(v: string | undefined): Date | undefined {
  const m = v && /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(v);
  if (!m) return undefined;
  const [y, mo, d, hh, mm, ss] = m.slice(1).map(Number) as [number, number, number, number, number, number];
  const date = new Date(Date.UTC(y, mo - 1, d, hh, mm, ss));
  const exact = date.getUTCFullYear() === y && date.getUTCMonth() === mo - 1 && date.getUTCDate() === d
    && date.getUTCHours() === hh && date.getUTCMinutes() === mm && date.getUTCSeconds() === ss;
  return exact ? date : undefined;
}

/** `YYYYMMDD` of an instant in UTC. */
export const ymdOf = (d: Date): string => d.toISOString().slice(0, 10).replace(/-/g, '');

/** S3's wording when the credential scope's date is not the request's date. */
export const INVALID_CREDENTIAL_DATE = 'Invalid credential date. Date is not the same as X-Amz-Date.';

/** The SigV4 timestamp `YYYYMMDDTHHMMSSZ` of an instant (whole seconds). */
export const amzDateOf = (d: Date): string => d.toISOString().replace(/\.\d{3}Z$/, 'Z').replace(/[-:]/g, '');
