/** `randomBytes` for the web extension host, where `node:crypto` does not exist (Web Crypto does). */
export function randomBytes(n: number): { toString(encoding: 'base64' | 'hex'): string } {
  const bytes = new Uint8Array(n);
  globalThis.crypto.getRandomValues(bytes);
  return {
    toString(encoding) {
      if (encoding === 'hex') return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
      let s = '';
      for (const b of bytes) s += String.fromCharCode(b);
      return btoa(s);
    },
  };
}
