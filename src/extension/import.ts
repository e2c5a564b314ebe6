/** "tcpflow: Import Capture…": a pcap/pcapng/packetdrill file becomes a .tcpflow document beside its preview. */
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import { CaptureImporter } from '../core/import/capture';
import { importPacketdrill } from '../core/import/packetdrill';

/** Bytes read at a time; the importer keeps none of them after a push, so one buffer serves. */
const READ_CHUNK = 1 << 20;

/**
 * Feed a capture to the importer in pieces: local files through one reused buffer, other
 * schemes (remote workspaces) through the workspace file system, which reads them whole.
 */
async function feed(target: vscode.Uri, imp: CaptureImporter): Promise<void> {
  if (target.scheme !== 'file') {
    imp.push(await vscode.workspace.fs.readFile(target));
    return;
  }
  const file = await fs.promises.open(target.fsPath, 'r');
  try {
    const buf = new Uint8Array(READ_CHUNK);
    for (;;) {
      const { bytesRead } = await file.read(buf, 0, buf.length, null);
      if (bytesRead === 0) break;
      imp.push(buf.subarray(0, bytesRead));
    }
  } finally {
    await file.close();
  }
}

export function registerImportCommand(context: vscode.ExtensionContext): void {
  context.subscriptions.push(
    vscode.commands.registerCommand('tcpflow.importCapture', async (uri?: vscode.Uri) => {
      const target =
        uri ??
        (
          await vscode.window.showOpenDialog({
            canSelectMany: false,
            filters: { [vscode.l10n.t('Captures and packetdrill scripts')]: ['pcap', 'pcapng', 'cap', 'pkt'] },
            openLabel: vscode.l10n.t('Import'),
          })
        )?.[0];
      if (!target) return;
      let text: string;
      let warnings: string[];
      try {
        if (/\.pkt$/i.test(target.path)) {
          const r = importPacketdrill(new TextDecoder().decode(await vscode.workspace.fs.readFile(target)));
          text = r.text;
          warnings = r.warnings.map((w) => w.message);
        } else {
          // The capture streams in; the text is collected for the new document.
          const imp = new CaptureImporter();
          await feed(target, imp);
          const parts: string[] = [];
          const r = imp.finish((t) => parts.push(t));
          text = parts.join('');
          warnings = r.warnings.map((w) => w.message);
          if (r.connections === 0) throw new Error(r.summary ? vscode.l10n.t('no TCP connection found (capture read)') : vscode.l10n.t('no TCP connection found (empty)'));
        }
      } catch (e) {
        void vscode.window.showErrorMessage(vscode.l10n.t('tcpflow: cannot import {0}: {1}', target.path.split('/').pop() ?? '', (e as Error).message));
        return;
      }
      const doc = await vscode.workspace.openTextDocument({ language: 'tcpflow', content: text });
      await vscode.window.showTextDocument(doc, vscode.ViewColumn.One);
      await vscode.commands.executeCommand('tcpflow.openPreviewToSide');
      if (warnings.length > 0) void vscode.window.showWarningMessage(vscode.l10n.t('tcpflow: imported with {0} warning(s): {1}', warnings.length, warnings[0]));
    }),
  );
}
