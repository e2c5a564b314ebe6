/** "tcpflow: Import Capture…": a pcap/pcapng/packetdrill file becomes a .tcpflow document beside its preview. */
import * as vscode from 'vscode';
import { importCapture } from '../core/import/capture';
import { importPacketdrill } from '../core/import/packetdrill';

export function registerImportCommand(context: vscode.ExtensionContext): void {
  context.subscriptions.push(
    vscode.commands.registerCommand('tcpflow.importCapture', async (uri?: vscode.Uri) => {
      const target =
        uri ??
        (
          await vscode.window.showOpenDialog({
            canSelectMany: false,
            filters: { 'Captures and packetdrill scripts': ['pcap', 'pcapng', 'cap', 'pkt'] },
            openLabel: 'Import',
          })
        )?.[0];
      if (!target) return;
      const bytes = await vscode.workspace.fs.readFile(target);
      let text: string;
      let warnings: string[];
      try {
        if (/\.pkt$/i.test(target.path)) {
          const r = importPacketdrill(new TextDecoder().decode(bytes));
          text = r.text;
          warnings = r.warnings.map((w) => w.message);
        } else {
          const r = importCapture(bytes);
          text = r.text;
          warnings = r.warnings.map((w) => w.message);
          if (r.connections === 0) throw new Error(`no TCP connection found (${r.summary ? 'capture read' : 'empty'})`);
        }
      } catch (e) {
        void vscode.window.showErrorMessage(`tcpflow: cannot import ${target.path.split('/').pop()}: ${(e as Error).message}`);
        return;
      }
      const doc = await vscode.workspace.openTextDocument({ language: 'tcpflow', content: text });
      await vscode.window.showTextDocument(doc, vscode.ViewColumn.One);
      await vscode.commands.executeCommand('tcpflow.openPreviewToSide');
      if (warnings.length > 0) void vscode.window.showWarningMessage(`tcpflow: imported with ${warnings.length} warning(s): ${warnings[0]}`);
    }),
  );
}
