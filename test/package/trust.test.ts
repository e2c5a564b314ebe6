/**
 * What the manifest promises about Restricted Mode and virtual workspaces, and what makes the
 * promise true: the extension and the language server never read the disk themselves (every
 * document comes through VS Code: the language protocol, or `vscode.workspace.fs`), and no
 * setting names a program or a path, so nothing must be restricted.
 * The e2e suite (test/vscode) runs the extension in a folder opened in Restricted Mode.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import ts from 'typescript';

const ROOT = path.resolve(__dirname, '../..');
const manifest = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
  capabilities?: { untrustedWorkspaces?: { supported: boolean | 'limited'; restrictedConfigurations?: string[]; description?: string }; virtualWorkspaces?: boolean | { supported: boolean | 'limited' } };
  contributes: { configuration: { properties: Record<string, { type?: string; markdownDescription?: string; description?: string }> } };
};

/** A setting whose value VS Code would hand to a program or the file system. */
function namesProgramOrPath(key: string, p: { markdownDescription?: string; description?: string }): boolean {
  const words = `${key} ${p.markdownDescription ?? ''} ${p.description ?? ''}`;
  return /\b(path|paths|program|executable|binary|command|cwd|directory|folder|file name|spawn)\b/i.test(words) || /(Path|Program|Executable|Command|Dir)$/.test(key);
}

test('the manifest declares Restricted Mode and virtual workspace support', () => {
  const caps = manifest.capabilities;
  assert.ok(caps, 'package.json declares capabilities');
  const untrusted = caps.untrustedWorkspaces;
  assert.ok(untrusted, 'capabilities.untrustedWorkspaces is declared');
  const settings = manifest.contributes.configuration.properties;
  const risky = Object.keys(settings).filter((k) => namesProgramOrPath(k, settings[k]));
  if (untrusted.supported === 'limited') {
    assert.ok(untrusted.restrictedConfigurations && untrusted.restrictedConfigurations.length > 0, "'limited' names the restricted settings");
    for (const k of untrusted.restrictedConfigurations) assert.ok(k in settings, `restricted setting ${k} is contributed`);
    assert.deepEqual(risky.filter((k) => !untrusted.restrictedConfigurations!.includes(k)), [], 'every program or path setting is restricted');
    assert.ok(untrusted.description, "'limited' says what is off");
  } else {
    assert.equal(untrusted.supported, true);
    assert.deepEqual(risky, [], 'full support in Restricted Mode: no setting names a program or a path');
  }
  const virtual = caps.virtualWorkspaces;
  assert.ok(virtual === true || (typeof virtual === 'object' && virtual.supported !== false), 'virtual workspaces are supported');
  assert.ok((manifest as { browser?: string }).browser, 'a browser entry for vscode.dev and github.dev');
});

function sources(dir: string): string[] {
  return fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? sources(p) : /\.ts$/.test(e.name) ? [p] : [];
  });
}

/** Modules that read or write the disk, or start programs, by themselves. */
const DISK_OR_PROCESS = /^(node:)?(fs|fs\/promises|child_process)$/;

for (const dir of ['src/extension', 'src/server']) {
  test(`${dir} reads no file itself: no fs or child_process import, no fsPath`, () => {
    const files = sources(dir);
    assert.ok(files.length > 3, `${dir} has sources`);
    for (const f of files) {
      const text = fs.readFileSync(path.join(ROOT, f), 'utf8');
      const imported = ts.preProcessFile(text, true, true).importedFiles.map((i) => i.fileName);
      assert.deepEqual(imported.filter((m) => DISK_OR_PROCESS.test(m)), [], `${f} imports a module that touches the disk or starts programs`);
      // A workspace URI becomes a path for Node's fs through fsPath; the extension hands URIs to VS Code instead.
      const source = ts.createSourceFile(f, text, ts.ScriptTarget.Latest, true);
      const uses: string[] = [];
      const visit = (n: ts.Node): void => {
        if (ts.isPropertyAccessExpression(n) && n.name.text === 'fsPath') uses.push(`line ${source.getLineAndCharacterOfPosition(n.getStart()).line + 1}`);
        if (ts.isCallExpression(n) && ts.isIdentifier(n.expression) && n.expression.text === 'require') uses.push(`require at line ${source.getLineAndCharacterOfPosition(n.getStart()).line + 1}`);
        ts.forEachChild(n, visit);
      };
      visit(source);
      assert.deepEqual(uses, [], `${f} turns a URI into a file path or requires a module by hand`);
    }
  });
}
