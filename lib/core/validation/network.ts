import { isIPv4, isIPv6 } from 'node:net';

/**
 * Checks a CIDR (`10.20.0.0/16`, `fd00::/64`). Returns undefined when it is a
 * canonical network address, otherwise why it is not: Kubernetes rejects
 * NetworkPolicy ipBlocks with host bits set on newer versions, so we do everywhere.
 */
export function cidrProblem(cidr: string): string | undefined {
  const slash = cidr.indexOf('/');
  if (slash < 0) return `"${cidr}" is not a CIDR (expected address/prefix, e.g. 10.20.0.0/16)`;
  const address = cidr.slice(0, slash);
  const prefixText = cidr.slice(slash + 1);
  const v4 = isIPv4(address);
  if (!v4 && !isIPv6(address)) return `"${cidr}" is not a CIDR: "${address}" is not an IPv4 or IPv6 address`;
  const maxPrefix = v4 ? 32 : 128;
  if (!/^\d{1,3}$/.test(prefixText) || Number(prefixText) > maxPrefix) {
    return `"${cidr}" is not a CIDR: the prefix length must be 0-${maxPrefix}`;
  }
  const bits = v4 ? ipv4Bits(address) : ipv6Bits(address);
  const prefix = Number(prefixText);
  const hostMask = (1n << BigInt(maxPrefix - prefix)) - 1n;
  if ((bits & hostMask) !== 0n) {
    return `"${cidr}" has host bits set; use the network address ${formatNetwork(bits & ~hostMask, v4)}/${prefix}`;
  }
  return undefined;
}

function ipv4Bits(address: string): bigint {
  return address.split('.').reduce((acc, octet) => (acc << 8n) | BigInt(Number(octet)), 0n);
}

function ipv6Bits(address: string): bigint {
  let text = address;
  // An embedded IPv4 tail (::ffff:10.0.0.1) becomes two hextets.
  const v4Tail = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (v4Tail) {
    const v4 = ipv4Bits(v4Tail[1]);
    text = text.slice(0, -v4Tail[1].length) + `${(v4 >> 16n).toString(16)}:${(v4 & 0xffffn).toString(16)}`;
  }
  const [head, tail] = text.includes('::') ? text.split('::') : [text, undefined];
  const headParts = head ? head.split(':') : [];
  const tailParts = tail ? tail.split(':') : [];
  const zeros = tail === undefined ? [] : new Array(8 - headParts.length - tailParts.length).fill('0');
  return [...headParts, ...zeros, ...tailParts].reduce((acc, part) => (acc << 16n) | BigInt(parseInt(part, 16)), 0n);
}

function formatNetwork(bits: bigint, v4: boolean): string {
  if (v4) return [24n, 16n, 8n, 0n].map((shift) => String((bits >> shift) & 0xffn)).join('.');
  const parts: string[] = [];
  for (let shift = 112n; shift >= 0n; shift -= 16n) parts.push(((bits >> shift) & 0xffffn).toString(16));
  // RFC 5952: the longest run of two or more zero groups becomes '::'.
  let best = { start: -1, length: 1 };
  for (let i = 0; i < 8; i++) {
    let j = i;
    while (j < 8 && parts[j] === '0') j++;
    if (j - i > best.length) best = { start: i, length: j - i };
  }
  if (best.start < 0) return parts.join(':');
  return `${parts.slice(0, best.start).join(':')}::${parts.slice(best.start + best.length).join(':')}`;
}

/** Whether a port number is a valid TCP/UDP port (1-65535). */
export function isPort(value: number): boolean {
  return Number.isInteger(value) && value >= 1 && value <= 65535;
}
