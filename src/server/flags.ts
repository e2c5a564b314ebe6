/** Flag meanings live in the core (src/core/tcp/flags.ts); the server reads them from there. */
export { FLAG_DOCS, flagDoc } from '../core/index';
