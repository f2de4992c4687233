// Packages the extension: `node scripts/package.mjs` gives the universal elixir-perf.vsix (the server
// comes from PATH or the settings); `--target linux-x64` first stages the server's wheels into server/
// (scripts/bundle_server.py, run with $PYTHON or python3) and gives elixir-perf-linux-x64.vsix.
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';

const index = process.argv.indexOf('--target');
const target = index >= 0 ? process.argv[index + 1] : undefined;
if (index >= 0 && !target) {
  throw new Error('usage: node scripts/package.mjs [--target linux-x64]');
}

function run(command, args) {
  const result = spawnSync(command, args, { stdio: 'inherit', shell: process.platform === 'win32' });
  if (result.status !== 0) {
    process.exit(result.status ?? 1);
  }
}

// A universal package must not pick up a bundle staged for some platform earlier.
rmSync('server', { recursive: true, force: true });
if (target) {
  run(process.env.PYTHON || 'python3', ['scripts/bundle_server.py', '--target', target]);
}
const out = target ? `elixir-perf-${target}.vsix` : 'elixir-perf.vsix';
run('npx', ['vsce', 'package', '--no-dependencies', ...(target ? ['--target', target] : []), '--out', out]);
