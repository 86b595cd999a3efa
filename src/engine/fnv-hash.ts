/**
 * 64-bit FNV-1a over a string's UTF-16 code units, as 16 hex digits. Not keyed and not
 * cryptographic: it names content (equal input, equal id) so a publisher can tell a changed
 * profile from an unchanged one without keeping the old one. Two 32-bit halves keep it in
 * plain number arithmetic (Math.imul), no BigInt.
 */
const OFFSET_HI = 0xcbf29ce4;
const OFFSET_LO = 0x84222325;

export function fnv64Hex(s: string): string {
  let hi = OFFSET_HI;
  let lo = OFFSET_LO;
  for (let i = 0; i < s.length; i++) {
    lo ^= s.charCodeAt(i);
    // (hi, lo) * 0x100000001b3 mod 2^64 = (hi, lo) * 0x1b3 + (lo << 40)
    const loMul = lo * 0x1b3;
    const carry = Math.floor(loMul / 0x100000000);
    const newLo = loMul >>> 0;
    hi = (Math.imul(hi, 0x1b3) + carry + ((lo << 8) >>> 0)) >>> 0;
    lo = newLo;
  }
  return hi.toString(16).padStart(8, '0') + lo.toString(16).padStart(8, '0');
}
