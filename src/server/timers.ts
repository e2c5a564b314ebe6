/** The server's two ways of waiting, for Node (setImmediate) and for a web worker (setTimeout). */

const hasImmediate = typeof setImmediate === 'function';

/** Run `fn` after `ms` milliseconds (0: after the I/O already received); returns a canceller. */
export function later(fn: () => void, ms: number): () => void {
  if (ms <= 0 && hasImmediate) {
    const h = setImmediate(fn);
    return () => clearImmediate(h);
  }
  const h = setTimeout(fn, ms);
  return () => clearTimeout(h);
}

/** One turn of the event loop, in which pending messages get read and dispatched. */
export const tick = (): Promise<void> => new Promise((resolve) => later(resolve, 0));
