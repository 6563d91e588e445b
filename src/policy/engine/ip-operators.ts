/** IP address condition operators: IpAddress (NotIpAddress is its negation), IPv4 and IPv6 CIDR. */
import { inRange, parseIpRange } from './ip-address.js';
import type { OperatorTest } from './operator-env.js';

/** "The specified IP address or range"; a request value that is not an address matches nothing. */
export const ipAddress: OperatorTest = (request, policy) => {
  const address = parseIpRange(request);
  const range = parseIpRange(policy);
  return address !== undefined && range !== undefined && address.prefix === (address.version === 4 ? 32 : 128) && inRange(address, range);
};
