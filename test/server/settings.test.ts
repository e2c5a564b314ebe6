/**
 * Settings as VS Code hands them over: `tcpflow.diagnostics.delay` is a string in the settings
 * editor (`auto` or milliseconds) and may be a number in an older settings.json.
 */
import { it } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_SETTINGS, mergeSettings } from '../../src/server/protocol';

it('diagnostics.delay: auto, milliseconds as a string or a number; anything else keeps the default', () => {
  const delay = (v: unknown): unknown => mergeSettings(DEFAULT_SETTINGS, { diagnostics: { delay: v } }).diagnostics.delay;
  assert.equal(delay('auto'), 'auto');
  assert.equal(delay(' 120 '), 120);
  assert.equal(delay('0'), 0);
  assert.equal(delay(250), 250);
  for (const bad of ['-5', '1e3', 'fast', '', -1, Number.NaN, null, {}]) assert.equal(delay(bad), DEFAULT_SETTINGS.diagnostics.delay, String(bad));
});
