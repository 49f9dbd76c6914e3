/**
 * The source address a request is counted under (throttles, sessions, the audit log):
 * the socket's peer, or, when that peer is a proxy named in VMCLOUD_TRUSTED_PROXIES, the
 * address that proxy reports in `X-Forwarded-For`. Walking the header from the right, each
 * trusted proxy hands over to the address before it; the first untrusted address is the
 * client. A header sent by anyone else is ignored, so a client cannot choose its address.
 */
import { isIP } from 'node:net';

/** `::ffff:10.0.0.1` -> `10.0.0.1`, lower case. */
function normal(address: string): string {
  const a = address.trim().toLowerCase();
  return a.startsWith('::ffff:') && isIP(a.slice(7)) === 4 ? a.slice(7) : a;
}

export function sourceAddress(
  socketAddress: string | null | undefined,
  forwardedFor: string | string[] | null | undefined,
  trustedProxies: readonly string[],
): string | null {
  if (!socketAddress) return null;
  let address = normal(socketAddress);
  if (trustedProxies.length === 0 || !forwardedFor) return address;
  const trusted = new Set(trustedProxies.map(normal));
  const hops = (Array.isArray(forwardedFor) ? forwardedFor.join(',') : forwardedFor).split(',').map(normal);
  while (trusted.has(address)) {
    const previous = hops.pop();
    if (previous === undefined || isIP(previous) === 0) break;
    address = previous;
  }
  return address;
}
