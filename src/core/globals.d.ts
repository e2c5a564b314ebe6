/**
 * The few globals the core uses that exist both in Node and in browsers. Declared here so the
 * core compiles with neither the DOM nor Node's types (see src/core/tsconfig.json).
 */
declare class TextEncoder {
  encode(input?: string): Uint8Array;
}
declare class TextDecoder {
  constructor(label?: string, options?: { fatal?: boolean });
  decode(input?: Uint8Array): string;
}
