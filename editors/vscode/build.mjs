// Bundles src/extension.ts into out/extension.js (vscode-languageclient included; `vscode` is provided
// by the host). Usage: node build.mjs [--watch] [--dev]
import { copyFileSync, chmodSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import * as esbuild from 'esbuild';

const watch = process.argv.includes('--watch');
const dev = process.argv.includes('--dev') || watch;

const options = {
  entryPoints: ['src/extension.ts'],
  bundle: true,
  outfile: 'out/extension.js',
  external: ['vscode'],
  format: 'cjs',
  platform: 'node',
  target: 'node18',
  sourcemap: dev,
  minify: !dev,
  logLevel: 'info',
};

// vscode-languageclient kills a server that ignores `exit` with a helper script it looks up next to
// itself (`__dirname`); once bundled that is out/, so ship the script there.
const require = createRequire(import.meta.url);
const clientNodeDir = dirname(require.resolve('vscode-languageclient/node'));
mkdirSync('out', { recursive: true });
const helper = join('out', 'terminateProcess.sh');
copyFileSync(join(clientNodeDir, 'lib', 'node', 'terminateProcess.sh'), helper);
chmodSync(helper, 0o755);

if (watch) {
  const ctx = await esbuild.context(options);
  await ctx.watch();
} else {
  await esbuild.build(options);
}
