// (core) cidr blocks of event patterns: text --> IPv4/IPv6 block (or EventBridge's reason), and address-in-block tests
import { type IpBytes, parseIpAddress } from './ip-address';

/**
 * `cidr` blocks, IPv4 and IPv6. Parsing reports EventBridge's reasons; matching
 * compares the first `bits` bits of an event string that parses as an address of
 * the same family (host bits in the block itself are ignored, as in the service).
 */

export interface CidrBlock {
  readonly network: IpBytes;
  readonly bits: number;
}

/** Returns the block, or the reason EventBridge gives for rejecting it. */
export function parseCidr(text: string): CidrBlock | { readonly error: string } {
  const parts = text.split('/');
  if (parts.length !== 2) return { error: "Malformed CIDR, one '/' required" };
  const [address = '', maskText = ''] = parts;
  if (!/^-?[0-9]{1,9}$/.test(maskText)) return { error: 'Malformed CIDR, mask bits must be an integer' };
  const bits = Number(maskText);
  if (bits < 0) return { error: 'Malformed CIDR, mask bits must not be negative' };
  const network = parseIpAddress(address);
  if (!network) return { error: `Nonstandard IP address: ${address}` };
  if (network.length === 4 && bits > 32) return { error: 'IPv4 mask bits must be < 32' };
  if (network.length === 16 && bits > 128) return { error: 'IPv6 mask bits must be < 128' };
  return { network, bits };
}

export function cidrContains(block: CidrBlock, address: IpBytes): boolean {
  if (address.length !== block.network.length) return false;
  const fullBytes = block.bits >> 3;
  for (let i = 0; i < fullBytes; i++) {
    if (address[i] !== block.network[i]) return false;
  }
  const rest = block.bits & 7;
  if (rest === 0) return true;
  const mask = (0xff << (8 - rest)) & 0xff;
  return ((address[fullBytes] ?? 0) & mask) === ((block.network[fullBytes] ?? 0) & mask);
}
