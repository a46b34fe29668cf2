import { isIPv4, isIPv6 } from 'node:net';

const V4_PRIVATE: readonly (readonly [base: number, bits: number])[] = [
  [0x00000000, 8], // 0.0.0.0/8 "this network"
  [0x0a000000, 8], // 10/8
  [0x64400000, 10], // 100.64/10 carrier-grade NAT
  [0x7f000000, 8], // loopback
  [0xa9fe0000, 16], // link-local (cloud metadata 169.254.169.254)
  [0xac100000, 12], // 172.16/12
  [0xc0000000, 24], // 192.0.0/24 IETF protocol assignments
  [0xc0000200, 24], // TEST-NET-1
  [0xc0a80000, 16], // 192.168/16
  [0xc6120000, 15], // 198.18/15 benchmarking
  [0xc6336400, 24], // TEST-NET-2
  [0xcb007100, 24], // TEST-NET-3
  [0xe0000000, 4], // multicast
  [0xf0000000, 4], // reserved + broadcast
];

const v4ToNumber = (address: string): number =>
  address.split('.').reduce((value, octet) => value * 256 + Number.parseInt(octet, 10), 0);

const isPrivateV4 = (address: string): boolean => {
  const value = v4ToNumber(address);
  return V4_PRIVATE.some(([base, bits]) => {
    const size = 2 ** (32 - bits);
    return value >= base && value < base + size;
  });
};

/** The eight 16-bit groups of an IPv6 address (a trailing dotted quad becomes two groups). */
const v6Groups = (address: string): number[] => {
  let text = address.toLowerCase().split('%')[0] ?? '';
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (dotted?.[1] !== undefined) {
    const value = v4ToNumber(dotted[1]);
    text = `${text.slice(0, dotted.index)}${(value >>> 16).toString(16)}:${(value & 0xffff).toString(16)}`;
  }
  const [head = '', tail] = text.split('::');
  const headGroups = head === '' ? [] : head.split(':');
  const tailGroups = tail === undefined || tail === '' ? [] : tail.split(':');
  const zeros = tail === undefined ? [] : new Array<string>(8 - headGroups.length - tailGroups.length).fill('0');
  return [...headGroups, ...zeros, ...tailGroups].map((group) => Number.parseInt(group, 16));
};

/** The IPv4 address carried in two 16-bit groups. */
const embeddedV4 = (high: number, low: number): string => `${high >>> 8}.${high & 0xff}.${low >>> 8}.${low & 0xff}`;

const isPrivateV6 = (address: string): boolean => {
  const groups = v6Groups(address);
  const [g0 = 0, g1 = 0, g2 = 0, g3 = 0, g4 = 0, g5 = 0, g6 = 0, g7 = 0] = groups;
  const firstFourZero = g0 === 0 && g1 === 0 && g2 === 0 && g3 === 0;
  if (firstFourZero && g4 === 0 && g5 === 0 && g6 === 0 && (g7 === 0 || g7 === 1)) return true; // :: and ::1
  // IPv4-mapped ::ffff:0:0/96, the deprecated IPv4-compatible ::/96 and IPv4-translated ::ffff:0:0:0/96
  if (firstFourZero && g4 === 0 && (g5 === 0xffff || g5 === 0)) return isPrivateV4(embeddedV4(g6, g7));
  if (firstFourZero && g4 === 0xffff && g5 === 0) return isPrivateV4(embeddedV4(g6, g7));
  if (g0 === 0x64 && g1 === 0xff9b && g2 === 1) return true; // local-use NAT64 64:ff9b:1::/48
  if (g0 === 0x64 && g1 === 0xff9b) return isPrivateV4(embeddedV4(g6, g7)); // NAT64 64:ff9b::/96
  if (g0 === 0x2002) return isPrivateV4(embeddedV4(g1, g2)); // 6to4 2002::/16 carries its IPv4 after the prefix
  if (g0 === 0x2001 && g1 === 0) return true; // Teredo 2001::/32: the IPv4 inside is obfuscated, never a media host
  if (g0 === 0x0100 && g1 === 0 && g2 === 0 && g3 === 0) return true; // discard-only 100::/64
  if ((g0 & 0xfe00) === 0xfc00) return true; // unique local fc00::/7
  if ((g0 & 0xffc0) === 0xfe80) return true; // link-local fe80::/10
  if ((g0 & 0xff00) === 0xff00) return true; // multicast
  if (g0 === 0x2001 && g1 === 0x0db8) return true; // documentation
  return false;
};

/**
 * True for any address a server-side fetch must not reach by accident: loopback, private ranges,
 * link-local (cloud metadata), CGNAT, multicast, reserved, and every IPv6 form that carries such an
 * IPv4 address (mapped, compatible, translated, NAT64, 6to4).
 * Anything that is not an IP literal is false (it is a name; its resolution is checked separately).
 */
export const isPrivateAddress = (address: string): boolean => {
  const bare = address.startsWith('[') && address.endsWith(']') ? address.slice(1, -1) : address;
  if (isIPv4(bare)) return isPrivateV4(bare);
  if (isIPv6(bare)) return isPrivateV6(bare);
  return false;
};

export const isIpLiteral = (host: string): boolean => {
  const bare = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
  return isIPv4(bare) || isIPv6(bare);
};
