/** Type declarations for the two pure-JS codec packages that ship none (see compression-codecs.ts). */
declare module 'snappyjs' {
  export function compress<T extends Uint8Array>(input: T): T;
  export function uncompress<T extends Uint8Array>(input: T, maxLength?: number): T;
}

declare module 'lz4js' {
  export function compress(input: Uint8Array, maxSize?: number): Uint8Array;
  export function decompress(input: Uint8Array, maxSize?: number): Uint8Array;
}
