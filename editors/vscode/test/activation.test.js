// Loads the bundled extension (out/extension.js) against a stub `vscode` module and checks what the user
// sees when the server cannot be started. Run after `npm run compile`:  node --test test/
'use strict';
const assert = require('node:assert/strict');
const fs = require('node:fs');
const Module = require('node:module');
const os = require('node:os');
const path = require('node:path');
const test = require('node:test');

const BUNDLE = path.join(__dirname, '..', 'out', 'extension.js');

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
    window: {
      createOutputChannel: () => ({ appendLine: (line) => calls.push(['log', line]), append() {}, show() {}, dispose() {}, clear() {}, hide() {}, replace() {} }),
      showErrorMessage: (...args) => { calls.push(['error', ...args]); return Promise.resolve(undefined); },
      showInformationMessage: (...args) => { calls.push(['info', ...args]); return Promise.resolve(undefined); },
      showWarningMessage: (...args) => { calls.push(['warn', ...args]); return Promise.resolve(undefined); },
      setStatusBarMessage: () => disposable,
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

async function activateWith(settings, pathEnv) {
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
    extension.activate({ subscriptions: [] });
    // Let the serialised start-up (PATH lookup, interpreter probe) finish.
    for (let i = 0; i < 100 && !calls.some(([kind]) => kind === 'error' || kind === 'log'); i++) {
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

test('an interpreter without the package gets `<python> -m pip install`', async (t) => {
  const python = ['python3', 'python'].find((name) =>
    (process.env.PATH || '').split(path.delimiter).some((dir) => fs.existsSync(path.join(dir, name))),
  );
  if (!python) {
    t.skip('no python on PATH');
    return;
  }
  // Only meaningful with an interpreter that does not have the package.
  const probe = require('node:child_process').spawnSync(python, ['-c', 'import elixir_perf_lsp']);
  if (probe.status === 0) {
    t.skip(`${python} has elixir_perf_lsp installed`);
    return;
  }
  const calls = await activateWith({ interpreter: python }, process.env.PATH);
  const [error] = calls.filter(([kind]) => kind === 'error');
  assert.ok(error, JSON.stringify(calls));
  assert.match(error[1], /cannot import elixir_perf_lsp/);
  assert.match(error[1], /-m pip install elixir-perf-lsp/);
});

test('elixirPerf.enable = false starts nothing and shows no error', async () => {
  const calls = await activateWith({ enable: false }, '/nonexistent');
  assert.equal(calls.filter(([kind]) => kind === 'error').length, 0);
  assert.ok(calls.some(([kind, line]) => kind === 'log' && /elixirPerf\.enable is false/.test(line)));
});
