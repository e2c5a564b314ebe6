/** Client options shared by the desktop (IPC) and web (worker) language clients. */
import { DOCUMENT_SELECTOR } from '../server/protocol';

export function clientOptions() {
  return {
    documentSelector: DOCUMENT_SELECTOR,
    outputChannelName: 'tcpflow',
    // Hover text is the server's own Markdown; it never needs commands or HTML.
    markdown: { isTrusted: false, supportHtml: false },
  };
}
