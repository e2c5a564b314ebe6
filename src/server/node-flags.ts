/**
 * Node options for the language server's process. A larger young generation: the server keeps
 * the syntax tree and model of every open document, and a long document's analysis allocates
 * tens of megabytes that live on; with the default 16 MB semi-space most of it is copied twice
 * before it is promoted (`npm run bench` measures the server started with these flags).
 */
export const SERVER_NODE_FLAGS: readonly string[] = ['--max-semi-space-size=64'];
