// Loads the bundled extension (out/extension.js) against a stub `vscode` module and checks which server it
// starts and what the user sees when it cannot. Run after `npm run compile`:  node --test test/
// The test of the real bundle also needs `npm run package:linux-x64` (it stages server/).
'use strict';
const assert = require('node:assert/strict');
const fs = require('node:fs');
const Module = require('node:module');
const os = require('node:os');
const path = require('node:path');
const test = require('node:test');

const BUNDLE = path.join(__dirname, '..', 'out', 'extension.js');
const STAGED_SERVER = path.join(__dirname, '..', 'server');

/** A stub of the parts of the VS Code API the extension touches before a client starts. */
function makeVscode(settings, calls) {
  class Kind {
    constructor(value) { this.value = value; }
    append(part) { return new Kind(this.value ? `${this.value}.${part}` : part); }
    contains(other) { return other.value === this.value || other.value.startsWith(`${this.value}.`); }
  }
  Kind.Empty = new Kind('');
  Kind.SourceFixAll = new Kind('source.fixAll');
  const disposable = { dispose() {} };
  const base = {
    CodeActionKind: Kind,
    ProgressLocation: { Notification: 15 },
    window: {
      createOutputChannel: () => ({ appendLine: (line) => calls.push(['log', line]), append() {}, show() {}, dispose() {}, clear() {}, hide() {}, replace() {} }),
      showErrorMessage: (...args) => { calls.push(['error', ...args]); return Promise.resolve(undefined); },
      showInformationMessage: (...args) => { calls.push(['info', ...args]); return Promise.resolve(undefined); },
      showWarningMessage: (...args) => { calls.push(['warn', ...args]); return Promise.resolve(undefined); },
      setStatusBarMessage: () => disposable,
      withProgress: (options, task) => { calls.push(['progress', options.title]); return task(); },
      activeTextEditor: undefined,
    },
    commands: {
      registerCommand: (id) => { calls.push(['command', id]); return disposable; },
      executeCommand: async () => undefined,
    },
    workspace: {
      workspaceFolders: [{ uri: { fsPath: os.tmpdir() }, name: 'w', index: 0 }],
      getConfiguration: () => ({ get: (key, fallback) => (key in settings ? settings[key] : fallback) }),
      getWorkspaceFolder: () => undefined,
      onDidChangeConfiguration: () => disposable,
      textDocuments: [],
    },
    env: { clipboard: { writeText: async () => {} } },
    Uri: { parse: (value) => ({ toString: () => value }) },
  };
  // vscode-languageclient subclasses a few API classes at load time; any placeholder class will do.
  const Placeholder = class {};
  return new Proxy(base, { get: (target, key) => (key in target ? target[key] : Placeholder) });
}

function tempDir(prefix) {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** A directory holding executable shell scripts `{name: body}`, to put on PATH. */
function scripts(files) {
  const dir = tempDir('bin-');
  for (const [name, body] of Object.entries(files)) {
    fs.writeFileSync(path.join(dir, name), `#!/bin/sh\n${body}\n`, { mode: 0o755 });
  }
  return dir;
}

/** An extension folder whose server/manifest.json promises wheels for `pythons` (no wheels in it). */
function fakeBundle(pythons) {
  const dir = tempDir('ext-');
  fs.mkdirSync(path.join(dir, 'server', 'wheels'), { recursive: true });
  fs.writeFileSync(
    path.join(dir, 'server', 'manifest.json'),
    JSON.stringify({ name: 'elixir-perf-lsp', version: '0.0.0', target: 'linux-x64', pythons }),
  );
  return dir;
}

const started = (calls) => calls.filter(([kind, line]) => kind === 'log' && /Starting /.test(line)).map(([, line]) => line);
const errors = (calls) => calls.filter(([kind]) => kind === 'error');
// Start-up is over once the client is being started, an error was shown or the server is disabled.
const settled = (calls) =>
  errors(calls).length > 0 || started(calls).length > 0 || calls.some(([kind, line]) => kind === 'log' && /enable is false/.test(line));

async function activateWith(settings, pathEnv, { extensionPath = tempDir('ext-'), storage = tempDir('storage-'), timeoutMs = 5000 } = {}) {
  const calls = [];
  const vscode = makeVscode(settings, calls);
  const originalLoad = Module._load;
  Module._load = function (request, ...rest) {
    return request === 'vscode' ? vscode : originalLoad.call(this, request, ...rest);
  };
  const savedPath = process.env.PATH;
  process.env.PATH = pathEnv;
  try {
    delete require.cache[BUNDLE];
    const extension = require(BUNDLE);
    extension.activate({ subscriptions: [], extensionPath, globalStorageUri: { fsPath: storage } });
    // Let the serialised start-up (PATH lookup, interpreter probe, venv) finish.
    for (let waited = 0; waited < timeoutMs && !settled(calls); waited += 50) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  } finally {
    process.env.PATH = savedPath;
    Module._load = originalLoad;
  }
  return calls;
}

test('the bundle exists (run `npm run compile` first)', () => {
  assert.ok(fs.existsSync(BUNDLE), `${BUNDLE} is missing`);
});

test('registers the three commands', async () => {
  const calls = await activateWith({ enable: false }, '/nonexistent');
  const commands = calls.filter(([kind]) => kind === 'command').map(([, id]) => id);
  assert.deepEqual(commands.sort(), ['elixirPerf.fixAll', 'elixirPerf.restart', 'elixirPerf.showOutput']);
});

test('missing executable: error names the install command and offers help', async () => {
  const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'no-server-'));
  const calls = await activateWith({}, empty);
  const errors = calls.filter(([kind]) => kind === 'error');
  assert.equal(errors.length, 1, JSON.stringify(calls));
  const [, message, ...actions] = errors[0];
  assert.match(message, /`elixir-perf-lsp` was not found on PATH/);
  assert.match(message, /pip install elixir-perf-lsp/);
  assert.deepEqual(actions, ['Copy install command', 'Open settings', 'Retry']);
});

test('elixirPerf.path pointing nowhere is reported as such', async () => {
  const calls = await activateWith({ path: '/nonexistent/elixir-perf-lsp' }, '/usr/bin:/bin');
  const [error] = calls.filter(([kind]) => kind === 'error');
  assert.ok(error, JSON.stringify(calls));
  assert.match(error[1], /elixirPerf\.path/);
  assert.match(error[1], /pip install elixir-perf-lsp/);
});

test('an interpreter without the package gets `<python> -m pip install`', async () => {
  // No bundle: the setting can only name a Python that has the package.
  const bin = scripts({ python3: 'case "$*" in *"import elixir_perf_lsp"*) exit 1;; esac; echo 3.12' });
  const python = path.join(bin, 'python3');
  const calls = await activateWith({ interpreter: python }, bin);
  const [error] = errors(calls);
  assert.ok(error, JSON.stringify(calls));
  assert.match(error[1], /cannot import elixir_perf_lsp/);
  assert.match(error[1], new RegExp(`${python.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')} -m pip install elixir-perf-lsp`));
});

test('elixirPerf.enable = false starts nothing and shows no error', async () => {
  const calls = await activateWith({ enable: false }, '/nonexistent');
  assert.equal(calls.filter(([kind]) => kind === 'error').length, 0);
  assert.ok(calls.some(([kind, line]) => kind === 'log' && /elixirPerf\.enable is false/.test(line)));
});

test('bundle, no usable Python: names what it found and what to do', async () => {
  const bin = scripts({ python3: 'echo 3.8' });
  const calls = await activateWith({}, bin, { extensionPath: fakeBundle(['3.10', '3.11']) });
  const [error] = errors(calls);
  assert.ok(error, JSON.stringify(calls));
  const [, message, ...actions] = error;
  assert.match(message, /needs Python 3\.10–3\.11 to run its bundled server/);
  assert.match(message, /python3 is Python 3\.8/);
  assert.match(message, /elixirPerf\.interpreter/);
  assert.deepEqual(actions, ['Show output', 'Open settings', 'Retry']);
});

test('bundle, no Python on PATH at all: says so', async () => {
  const calls = await activateWith({}, tempDir('empty-'), { extensionPath: fakeBundle(['3.12']) });
  const [error] = errors(calls);
  assert.ok(error, JSON.stringify(calls));
  assert.match(error[1], /no python3 or python on PATH/);
});

test('bundle, no usable Python, but elixir-perf-lsp on PATH: runs that', async () => {
  const bin = scripts({ python3: 'echo 3.8', 'elixir-perf-lsp': 'exit 0' });
  const calls = await activateWith({}, bin, { extensionPath: fakeBundle(['3.12']) });
  assert.deepEqual(started(calls).map((line) => line.split('Starting ')[1]), [`${path.join(bin, 'elixir-perf-lsp')} serve`]);
});

test('elixirPerf.path wins over the bundle', async () => {
  const bin = scripts({ 'my-server': 'exit 0', python3: 'echo 3.12' });
  const storage = tempDir('storage-');
  const calls = await activateWith({ path: path.join(bin, 'my-server') }, bin, { extensionPath: fakeBundle(['3.12']), storage });
  assert.deepEqual(started(calls).map((line) => line.split('Starting ')[1]), [`${path.join(bin, 'my-server')} serve`]);
  assert.deepEqual(fs.readdirSync(storage), [], 'no venv is made');
});

test('elixirPerf.interpreter without the package is the Python the bundle runs with', async () => {
  // Fails `import elixir_perf_lsp`, reports 3.9 to the version probe.
  const bin = scripts({ oldpython: 'case "$*" in *"import elixir_perf_lsp"*) exit 1;; esac; echo 3.9', python3: 'echo 3.12' });
  const calls = await activateWith({ interpreter: path.join(bin, 'oldpython') }, bin, { extensionPath: fakeBundle(['3.12']) });
  const [error] = errors(calls);
  assert.ok(error, JSON.stringify(calls));
  assert.match(error[1], /oldpython is Python 3\.9/);
  assert.doesNotMatch(error[1], /python3 /, 'PATH Pythons are not tried when the setting names one');
});

test('elixirPerf.interpreter without the package does not hide elixirPerf.path', async () => {
  const bin = scripts({ oldpython: 'case "$*" in *"import elixir_perf_lsp"*) exit 1;; esac; echo 3.12', 'my-server': 'exit 0' });
  const storage = tempDir('storage-');
  const settings = { interpreter: path.join(bin, 'oldpython'), path: path.join(bin, 'my-server') };
  const calls = await activateWith(settings, bin, { extensionPath: fakeBundle(['3.12']), storage });
  assert.deepEqual(started(calls).map((line) => line.split('Starting ')[1]), [`${path.join(bin, 'my-server')} serve`]);
  assert.deepEqual(fs.readdirSync(storage), []);
});

test('the staged bundle installs into a private venv and runs from there', async (t) => {
  if (!fs.existsSync(path.join(STAGED_SERVER, 'manifest.json'))) {
    t.skip('no staged server/ (run `npm run package:linux-x64`)');
    return;
  }
  const manifest = JSON.parse(fs.readFileSync(path.join(STAGED_SERVER, 'manifest.json'), 'utf8'));
  const python = ['python3', 'python'].map((name) => {
    const probe = require('node:child_process').spawnSync(name, ['-c', 'import sys; print("%d.%d" % sys.version_info[:2])'], { encoding: 'utf8' });
    return probe.status === 0 ? probe.stdout.trim() : undefined;
  }).find((version) => version && manifest.pythons.includes(version));
  if (!python) {
    t.skip(`no python3/python on PATH among ${manifest.pythons.join(', ')}`);
    return;
  }
  const storage = tempDir('storage-');
  const oldVenv = path.join(storage, 'venv-0.0.0-py3.11-000000000000');
  fs.mkdirSync(oldVenv);
  // PATH without this checkout's venv bin, so only the bundle can provide the server.
  const pathEnv = (process.env.PATH || '').split(path.delimiter).filter((dir) => !fs.existsSync(path.join(dir, 'elixir-perf-lsp'))).join(path.delimiter);
  const first = await activateWith({}, pathEnv, { extensionPath: path.dirname(STAGED_SERVER), storage, timeoutMs: 120_000 });
  assert.ok(!fs.existsSync(oldVenv), "an older version's venv is removed");
  const [venv] = fs.readdirSync(storage);
  assert.match(venv, new RegExp(`^venv-${manifest.version}-py${python.replace('.', '\\.')}-[0-9a-f]{12}$`), JSON.stringify(first));
  const venvPython = path.join(storage, venv, 'bin', 'python');
  // -P keeps the workspace off sys.path; Python 3.10 has no -P and gets -I.
  const flag = Number(python.split('.')[1]) >= 11 ? '-P' : '-I';
  assert.deepEqual(started(first).map((line) => line.split('Starting ')[1]), [`${venvPython} ${flag} -m elixir_perf_lsp serve`]);
  assert.equal(first.filter(([kind]) => kind === 'progress').length, 1, 'the first start shows progress');
  const version = require('node:child_process').spawnSync(venvPython, ['-m', 'elixir_perf_lsp', '--version'], { encoding: 'utf8' });
  assert.equal(version.stdout.trim(), `elixir-perf-lsp ${manifest.version}`);
  // A second start reuses the venv without installing again.
  const second = await activateWith({}, pathEnv, { extensionPath: path.dirname(STAGED_SERVER), storage, timeoutMs: 30_000 });
  assert.equal(second.filter(([kind]) => kind === 'progress').length, 0);
  assert.deepEqual(started(second).map((line) => line.split('Starting ')[1]), [`${venvPython} ${flag} -m elixir_perf_lsp serve`]);
  // A venv whose interpreter is gone (its base Python was removed) is built again.
  fs.rmSync(venvPython);
  const third = await activateWith({}, pathEnv, { extensionPath: path.dirname(STAGED_SERVER), storage, timeoutMs: 120_000 });
  assert.equal(third.filter(([kind]) => kind === 'progress').length, 1, JSON.stringify(third));
  assert.ok(fs.existsSync(venvPython));
});
