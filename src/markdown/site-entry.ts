/**
 * The CommonJS face of the site plugin: the module itself is the plugin function, so
 * `require('tcpflow/markdown-it')`, `import tcpflow from 'tcpflow/markdown-it'` (Node's ESM reads a
 * CommonJS module's exports as its default) and bundlers reading `.default` all get it.
 */
import { tcpflowSitePlugin } from './site';

export = Object.assign(tcpflowSitePlugin, { default: tcpflowSitePlugin, tcpflowSitePlugin });
