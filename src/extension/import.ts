/** "tcpflow: Import Capture…": a pcap/pcapng/packetdrill file becomes a .tcpflow document beside its preview. */
import * as vscode from 'vscode';
import { CaptureImporter } from '../core/import/capture';
import { importPacketdrill } from '../core/import/packetdrill';

/**
 * Feed a capture to the importer. Every file is read through the workspace file system
 * (`vscode.workspace.fs`), whatever its scheme, so the command works the same in a local folder,
 * a remote one and a virtual workspace (github.dev, vscode.dev), and reads nothing but the file
 * the user picked. That file system reads a file whole (it has no streaming read), so the
 * capture is in memory once while it is imported; the importer keeps none of it afterwards.
 */
async function feed(target: vscode.Uri, imp: CaptureImporter): Promise<void> {
  imp.push(await vscode.workspace.fs.readFile(target));
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
