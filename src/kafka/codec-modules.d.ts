/** Type declarations for the two pure-JS codec packages that ship none (see compression-codecs.ts). */
declare module 'snappyjs' {
  const snappy: {
    compress<T extends Uint8Array>(input: T): T;
    uncompress<T extends Uint8Array>(input: T, maxLength?: number): T;
  };
  export default snappy;
}

declare module 'lz4js' {
  const lz4: {
    compress(input: Uint8Array, maxSize?: number): Uint8Array;
    decompress(input: Uint8Array, maxSize?: number): Uint8Array;
  };
  export default lz4;
}
