// VS Code client for elixir-perf-lsp: starts `elixir-perf-lsp serve` (or `<python> -P -m elixir_perf_lsp serve`)
// over stdio for Elixir documents and forwards the `elixirPerf` settings section.
import { execFile } from 'node:child_process';
import { constants as fsConstants, promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import {
  DidChangeConfigurationNotification,
  LanguageClient,
  LanguageClientOptions,
  RevealOutputChannelOn,
  ServerOptions,
  State,
  vsdiag,
} from 'vscode-languageclient/node';
import { Bundle, choosePython, ensureVenv, pythonCandidates, readBundle, RejectedPython } from './bundled';

const SECTION = 'elixirPerf';
const CLIENT_ID = 'elixirPerf'; // vscode-languageclient reads `${CLIENT_ID}.trace.server`
const CLIENT_NAME = 'Elixir Perf';
const EXECUTABLE = 'elixir-perf-lsp';
const PYTHON_MODULE = 'elixir_perf_lsp';
const INSTALL_COMMAND = 'pip install elixir-perf-lsp';
const FIX_ALL_KIND = vscode.CodeActionKind.SourceFixAll.append('elixir-perf');

/** The keys sent to the server; `path`, `interpreter` and `trace` are the client's own. */
const SERVER_KEYS = [
  'enable',
  'select',
  'ignore',
  'severity',
  'targetElixir',
  'targetOtp',
  'configFile',
  'debounceMs',
  'workspaceDiagnostics',
  'logLevel',
  'logFile',
];
/** Changing these needs a new server process (or none). */
const RESTART_KEYS = ['enable', 'path', 'interpreter', 'workspaceDiagnostics'];

interface ServerCommand {
  command: string;
  args: string[];
  /** How the user would type it, for messages. */
  display: string;
}

class SetupError extends Error {
  constructor(
    message: string,
    /** What "Copy install command" copies; none when there is nothing to install with pip. */
    readonly installCommand: string | undefined,
  ) {
    super(message);
  }
}

let client: LanguageClient | undefined;
let extensionContext: vscode.ExtensionContext;
let outputChannel: vscode.OutputChannel;
/** Serialises start/stop/restart so that quick setting changes cannot start two servers. */
let lifecycle: Promise<void> = Promise.resolve();
/** Closed documents whose last pulled diagnostics must be cleared when workspace pulls are off. */
const closedDocuments = new Map<string, number>();

export function activate(context: vscode.ExtensionContext): void {
  extensionContext = context;
  outputChannel = vscode.window.createOutputChannel(CLIENT_NAME);
  context.subscriptions.push(
    outputChannel,
    vscode.commands.registerCommand('elixirPerf.restart', () => schedule(() => restart(true))),
    vscode.commands.registerCommand('elixirPerf.showOutput', () => outputChannel.show(true)),
    vscode.commands.registerCommand('elixirPerf.fixAll', fixAll),
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (RESTART_KEYS.some((key) => event.affectsConfiguration(`${SECTION}.${key}`))) {
        void schedule(() => restart(false));
      }
    }),
    { dispose: () => void stopClient() },
  );
  void schedule(() => restart(false));
}

export async function deactivate(): Promise<void> {
  await lifecycle;
  await stopClient();
}

function schedule(task: () => Promise<void>): Promise<void> {
  lifecycle = lifecycle.then(task, task);
  return lifecycle;
}

async function restart(explicit: boolean): Promise<void> {
  await stopClient();
  const config = vscode.workspace.getConfiguration(SECTION);
  if (!config.get<boolean>('enable', true)) {
    log('elixirPerf.enable is false: server not started.');
    if (explicit) {
      void vscode.window.showInformationMessage('Elixir Perf is disabled (setting `elixirPerf.enable`).');
    }
    return;
  }
  let server: ServerCommand;
  try {
    server = await resolveServerCommand(config);
  } catch (error) {
    reportSetupError(error);
    return;
  }
  log(`Starting ${server.display}`);
  try {
    client = createClient(server);
    await client.start();
  } catch (error) {
    log(`Failed to start ${server.display}: ${String(error)}`);
    void vscode.window
      .showErrorMessage(
        `Elixir Perf: could not start \`${server.display}\` (${errorMessage(error)}). ` +
          `Is it up to date? \`${INSTALL_COMMAND} --upgrade\``,
        'Show output',
      )
      .then((choice) => {
        if (choice === 'Show output') {
          outputChannel.show(true);
        }
      });
  }
}

async function stopClient(): Promise<void> {
  const running = client;
  client = undefined;
  closedDocuments.clear();
  if (!running) {
    return;
  }
  try {
    if (running.needsStop()) {
      await running.stop(2000);
    }
  } catch (error) {
    log(`Stopping the server failed: ${errorMessage(error)}`);
  }
  try {
    await running.dispose(2000);
  } catch {
    // Already stopped: nothing left to release.
  }
}

function createClient(server: ServerCommand): LanguageClient {
  const cwd = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
  // No `transport`: with `TransportKind.stdio` the client appends `--stdio` to our arguments, which
  // older servers reject; stdio is the default when none is given.
  const executable = {
    command: server.command,
    args: server.args,
    options: { cwd, env: process.env },
  };
  const serverOptions: ServerOptions = { run: executable, debug: executable };

  const clientOptions: LanguageClientOptions = {
    // Our own `elixir` language contribution only adds the file extensions, so this coexists with
    // ElixirLS / Expert / Lexical; the pattern catches .ex/.exs files some other extension re-labelled.
    // Only real files and unsaved buffers: no diff views, git: or output schemes.
    documentSelector: [
      { scheme: 'file', language: 'elixir' },
      { scheme: 'untitled', language: 'elixir' },
      { scheme: 'file', pattern: '**/*.{ex,exs}' },
    ],
    synchronize: { configurationSection: SECTION },
    initializationOptions: { [SECTION]: serverSettings(undefined) },
    outputChannel,
    traceOutputChannel: outputChannel,
    revealOutputChannelOn: RevealOutputChannelOn.Never,
    // Distinct from ElixirLS's "ElixirLS" source / collection so both sets of diagnostics show.
    diagnosticCollectionName: 'elixir-perf',
    diagnosticPullOptions: { onChange: true, onSave: true },
    markdown: { isTrusted: false, supportHtml: false },
    middleware: {
      workspace: {
        // Answer `workspace/configuration` for our section with what the server understands.
        configuration: async (params, token, next) => {
          const result = await next(params, token);
          if (!Array.isArray(result)) {
            return result;
          }
          return params.items.map((item, index) => {
            if (item.section === SECTION) {
              const scope = item.scopeUri ? vscode.Uri.parse(item.scopeUri) : undefined;
              return serverSettings(scope);
            }
            return result[index];
          });
        },
        // Push the cleaned section, in the same `{elixirPerf: {...}}` shape as initializationOptions.
        didChangeConfiguration: async (sections, next) => {
          if (!sections?.includes(SECTION)) {
            return next(sections);
          }
          if (!created?.isRunning()) {
            return;
          }
          try {
            await created.sendNotification(DidChangeConfigurationNotification.type, {
              settings: { [SECTION]: serverSettings(undefined) },
            });
          } catch (error) {
            log(`Sending settings failed: ${errorMessage(error)}`);
          }
        },
      },
      didClose: async (document, next) => {
        closedDocuments.set(document.uri.toString(), Date.now());
        return next(document);
      },
      // The server is asked (initializationOptions) not to offer workspace diagnostics unless
      // `elixirPerf.workspaceDiagnostics` is on; if it offers them anyway, do not ask for them, only
      // clear what was pulled for documents that have since been closed.
      provideWorkspaceDiagnostics: (resultIds, token, resultReporter, next) => {
        if (vscode.workspace.getConfiguration(SECTION).get<boolean>('workspaceDiagnostics', false)) {
          return next(resultIds, token, resultReporter);
        }
        return { items: staleClosedDocumentReports() };
      },
    },
  };

  const created = new LanguageClient(CLIENT_ID, CLIENT_NAME, serverOptions, clientOptions);
  return created;
}

function staleClosedDocumentReports(): vsdiag.WorkspaceFullDocumentDiagnosticReport[] {
  const open = new Set(vscode.workspace.textDocuments.map((document) => document.uri.toString()));
  const now = Date.now();
  const reports: vsdiag.WorkspaceFullDocumentDiagnosticReport[] = [];
  for (const [uri, closedAt] of closedDocuments) {
    if (open.has(uri) || now - closedAt > 10_000) {
      closedDocuments.delete(uri);
      continue;
    }
    reports.push({
      kind: vsdiag.DocumentDiagnosticReportKind.full,
      uri: vscode.Uri.parse(uri),
      version: null,
      items: [],
    });
  }
  return reports;
}

/**
 * The `elixirPerf` section as the server reads it: client-only keys dropped, unset (null) values
 * omitted so the server falls back to the config file / its defaults.
 */
function serverSettings(scope: vscode.Uri | undefined): Record<string, unknown> {
  const config = vscode.workspace.getConfiguration(SECTION, scope ?? null);
  const settings: Record<string, unknown> = {};
  for (const key of SERVER_KEYS) {
    let value = config.get<unknown>(key);
    if (value === null || value === undefined || value === '') {
      continue;
    }
    if ((key === 'configFile' || key === 'logFile') && typeof value === 'string') {
      value = expandPath(value, scope);
    }
    settings[key] = value;
  }
  return settings;
}

// --- finding the server -------------------------------------------------------------------------

/**
 * Which server to run, in order: `elixirPerf.interpreter` when it has the package, `elixirPerf.path`,
 * the server bundled in a platform-specific .vsix (in a private venv made by a Python >= 3.10 found on
 * PATH, or by `elixirPerf.interpreter`), and last `elixir-perf-lsp` on PATH (a .vsix without a bundle,
 * or no usable Python for the bundle).
 */
async function resolveServerCommand(config: vscode.WorkspaceConfiguration): Promise<ServerCommand> {
  const bundle = await readBundle(extensionContext.extensionPath);
  // Set when elixirPerf.interpreter lacks the package: then it is the Python for the bundle.
  let bundlePython: string | undefined;
  const interpreterSetting = config.get<string>('interpreter', '').trim();
  if (interpreterSetting) {
    const interpreter = await findExecutable(expandPath(interpreterSetting, undefined));
    if (!interpreter) {
      throw new SetupError(
        `Elixir Perf: the Python interpreter \`${interpreterSetting}\` (setting elixirPerf.interpreter) ` +
          `was not found or is not executable.`,
        INSTALL_COMMAND,
      );
    }
    // -P (-I on Python 3.10): the workspace's own modules are never imported.
    const safePathFlag = await safeImportFlag(interpreter);
    if (safePathFlag) {
      return pythonServer(interpreter, safePathFlag);
    }
    if (!bundle) {
      const install = `${quoteForShell(interpreter)} -m ${INSTALL_COMMAND}`;
      throw new SetupError(
        `Elixir Perf: \`${interpreter}\` cannot import ${PYTHON_MODULE}. Install it into that ` +
          `environment: \`${install}\`.`,
        install,
      );
    }
    bundlePython = interpreter;
  }

  const pathSetting = config.get<string>('path', '').trim();
  if (pathSetting) {
    const executable = await findExecutable(expandPath(pathSetting, undefined));
    if (!executable) {
      throw new SetupError(
        `Elixir Perf: \`${pathSetting}\` (setting elixirPerf.path) was not found or is not executable. ` +
          `Install the server with \`${INSTALL_COMMAND}\`, or clear the setting to use the ` +
          `${bundle ? 'bundled server' : `${EXECUTABLE} from PATH`}.`,
        INSTALL_COMMAND,
      );
    }
    return { command: executable, args: ['serve'], display: `${executable} serve` };
  }

  if (bundle) {
    if (bundlePython) {
      return bundledServer(bundle, [bundlePython]);
    }
    const found: string[] = [];
    for (const name of pythonCandidates(bundle.manifest)) {
      const python = await findExecutable(name);
      if (python) {
        found.push(python);
      }
    }
    return bundledServer(bundle, found);
  }

  const executable = await findExecutable(EXECUTABLE);
  if (!executable) {
    throw new SetupError(
      `Elixir Perf: \`${EXECUTABLE}\` was not found on PATH. Install it with \`${INSTALL_COMMAND}\` ` +
        `(or \`pipx install elixir-perf-lsp\`), then run "Elixir Perf: Restart server" — or point ` +
        `elixirPerf.path at the executable, or elixirPerf.interpreter at a Python that has it.`,
      INSTALL_COMMAND,
    );
  }
  return { command: executable, args: ['serve'], display: `${executable} serve` };
}

function pythonServer(interpreter: string, safePathFlag: string): ServerCommand {
  const args = [safePathFlag, '-m', PYTHON_MODULE, 'serve'];
  return { command: interpreter, args, display: `${interpreter} ${args.join(' ')}` };
}

/** The bundled server in its private venv, made with the first of `pythons` the bundle supports. */
async function bundledServer(bundle: Bundle, pythons: string[]): Promise<ServerCommand> {
  const { python, rejected } = await choosePython(pythons, bundle.manifest);
  if (!python) {
    // pipx and `uv tool` installs carry their own interpreter: a server on PATH may still run.
    const executable = await findExecutable(EXECUTABLE);
    if (executable) {
      log(`No Python for the bundled server (${describeRejected(rejected)}); using ${executable} from PATH.`);
      return { command: executable, args: ['serve'], display: `${executable} serve` };
    }
    const { pythons } = bundle.manifest;
    const supported = pythons.length > 1 ? `${pythons[0]}–${pythons[pythons.length - 1]}` : pythons.join('');
    throw new SetupError(
      `Elixir Perf needs Python ${supported} to run its bundled server and found none ` +
        `(${describeRejected(rejected)}). Install Python 3 (Debian/Ubuntu: \`sudo apt install python3\`, ` +
        `macOS: \`brew install python\`, or python.org), then run "Elixir Perf: Restart server" — or set ` +
        `elixirPerf.interpreter to a Python ${supported}.`,
      undefined,
    );
  }
  let interpreter: string;
  try {
    interpreter = await ensureVenv(bundle, python, extensionContext.globalStorageUri.fsPath, log, (work) => {
      void vscode.window.withProgress(
        {
          location: vscode.ProgressLocation.Notification,
          title: `Elixir Perf: installing the bundled server with Python ${python.version} (first start only)…`,
        },
        () => work.catch(() => undefined),
      );
    });
  } catch (error) {
    throw new SetupError(
      `Elixir Perf: installing the bundled server with \`${python.command}\` (Python ${python.version}) ` +
        `failed: ${errorMessage(error)}. "Show output" has the details; set elixirPerf.interpreter to ` +
        `another Python ${bundle.manifest.pythons[0]}+ or elixirPerf.path to an elixir-perf-lsp executable.`,
      undefined,
    );
  }
  const safePathFlag = await safeImportFlag(interpreter);
  if (!safePathFlag) {
    throw new SetupError(
      `Elixir Perf: the bundled server's venv (${interpreter}) cannot import ${PYTHON_MODULE}; ` +
        `run "Elixir Perf: Restart Server" to rebuild it.`,
      undefined,
    );
  }
  return pythonServer(interpreter, safePathFlag);
}

function describeRejected(rejected: RejectedPython[]): string {
  if (rejected.length === 0) {
    return 'no python3 or python on PATH';
  }
  return rejected.map(({ command, reason }) => `${command} ${reason}`).join('; ');
}

function reportSetupError(error: unknown): void {
  const message = errorMessage(error);
  log(message);
  const install = error instanceof SetupError ? error.installCommand : INSTALL_COMMAND;
  const actions = [...(install ? ['Copy install command'] : ['Show output']), 'Open settings', 'Retry'];
  void vscode.window
    .showErrorMessage(message, ...actions)
    .then(async (choice) => {
      if (choice === 'Show output') {
        outputChannel.show(true);
      } else if (choice === 'Copy install command' && install) {
        await vscode.env.clipboard.writeText(install);
        void vscode.window.showInformationMessage(`Copied: ${install}`);
      } else if (choice === 'Open settings') {
        await vscode.commands.executeCommand('workbench.action.openSettings', SECTION);
      } else if (choice === 'Retry') {
        await schedule(() => restart(true));
      }
    });
}

/** An absolute/relative path is checked as is; a bare name is looked up on PATH (with PATHEXT on Windows). */
async function findExecutable(nameOrPath: string): Promise<string | undefined> {
  const isWindows = process.platform === 'win32';
  const extensions = isWindows
    ? ['', ...(process.env.PATHEXT ?? '.COM;.EXE;.BAT;.CMD').split(';').filter(Boolean)]
    : [''];
  const candidates: string[] = [];
  if (nameOrPath.includes('/') || (isWindows && nameOrPath.includes('\\'))) {
    const base = path.resolve(vscode.workspace.workspaceFolders?.[0]?.uri.fsPath ?? os.homedir(), nameOrPath);
    candidates.push(...extensions.map((ext) => base + ext));
  } else {
    for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
      if (dir) {
        candidates.push(...extensions.map((ext) => path.join(dir, nameOrPath + ext)));
      }
    }
  }
  for (const candidate of candidates) {
    if (await isExecutableFile(candidate)) {
      return candidate;
    }
  }
  return undefined;
}

async function isExecutableFile(file: string): Promise<boolean> {
  try {
    const stat = await fs.stat(file);
    if (!stat.isFile()) {
      return false;
    }
    await fs.access(file, process.platform === 'win32' ? fsConstants.F_OK : fsConstants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Expands a leading `~` and `${workspaceFolder}` / `${userHome}` / `${env:NAME}`. */
function expandPath(value: string, scope: vscode.Uri | undefined): string {
  const folder =
    (scope && vscode.workspace.getWorkspaceFolder(scope)) ?? vscode.workspace.workspaceFolders?.[0];
  let result = value
    .replace(/\$\{workspaceFolder\}/g, folder?.uri.fsPath ?? '')
    .replace(/\$\{userHome\}/g, os.homedir())
    .replace(/\$\{env:([^}]+)\}/g, (_match, name: string) => process.env[name] ?? '');
  if (result === '~' || result.startsWith('~/') || result.startsWith('~\\')) {
    result = path.join(os.homedir(), result.slice(1));
  }
  return result;
}

/**
 * `-P` (Python 3.11+) or else `-I`, whichever lets `interpreter` import the server; undefined when
 * neither does. The server runs in the workspace folder, and a bare `-m` would put that folder first
 * on `sys.path`: an untrusted repository's `cattrs.py` would run. (`-I` also skips user
 * site-packages and PYTHONPATH, so it is only the fallback for Pythons without `-P`.)
 */
async function safeImportFlag(interpreter: string): Promise<string | undefined> {
  for (const flag of ['-P', '-I']) {
    try {
      await run(interpreter, [flag, '-c', `import ${PYTHON_MODULE}`]);
      return flag;
    } catch {
      // Python 3.10 rejects -P; try the next flag.
    }
  }
  return undefined;
}

function run(command: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile(command, args, { timeout: 15_000, windowsHide: true }, (error) =>
      error ? reject(error) : resolve(),
    );
  });
}

function quoteForShell(value: string): string {
  return /^[\w@%+=:,./-]+$/.test(value) ? value : `"${value}"`;
}

// --- commands -----------------------------------------------------------------------------------

async function fixAll(): Promise<void> {
  const editor = vscode.window.activeTextEditor;
  if (!editor) {
    void vscode.window.showInformationMessage('Elixir Perf: open an Elixir file to fix.');
    return;
  }
  if (!client || client.state !== State.Running) {
    void vscode.window.showWarningMessage('Elixir Perf: the server is not running.', 'Show output').then(
      (choice) => choice && outputChannel.show(true),
    );
    return;
  }
  const document = editor.document;
  const version = document.version;
  const whole = new vscode.Range(document.positionAt(0), document.positionAt(document.getText().length));
  const actions =
    (await vscode.commands.executeCommand<(vscode.CodeAction | vscode.Command)[]>(
      'vscode.executeCodeActionProvider',
      document.uri,
      whole,
      FIX_ALL_KIND.value,
      10, // resolve lazily computed edits (codeAction/resolve)
    )) ?? [];
  const fixAllAction = actions.find(
    (candidate): candidate is vscode.CodeAction =>
      'kind' in candidate && candidate.kind !== undefined && isFixAllKind(candidate.kind.value),
  );
  if (!fixAllAction || (!fixAllAction.edit && !fixAllAction.command)) {
    void vscode.window.setStatusBarMessage('Elixir Perf: nothing to fix', 3000);
    return;
  }
  if (document.version !== version) {
    void vscode.window.showWarningMessage('Elixir Perf: the file changed while computing fixes; try again.');
    return;
  }
  if (fixAllAction.edit && !(await vscode.workspace.applyEdit(fixAllAction.edit))) {
    void vscode.window.showErrorMessage('Elixir Perf: the fixes could not be applied.');
    return;
  }
  if (fixAllAction.command) {
    await vscode.commands.executeCommand(fixAllAction.command.command, ...(fixAllAction.command.arguments ?? []));
  }
}

function isFixAllKind(kind: string): boolean {
  return kind === FIX_ALL_KIND.value || kind.startsWith(`${FIX_ALL_KIND.value}.`);
}

// --- helpers ------------------------------------------------------------------------------------

function log(message: string): void {
  outputChannel.appendLine(`[client ${new Date().toISOString()}] ${message}`);
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
