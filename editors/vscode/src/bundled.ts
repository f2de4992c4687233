// The server shipped inside a platform-specific .vsix: `server/` holds its wheels (one
// py-tree-sitter wheel per supported CPython minor), a pip wheel and manifest.json (written by
// scripts/bundle_server.py). On first start it is installed, offline, into a private venv under the
// extension's global storage, made with a Python >= 3.10 found on the machine.
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export interface BundleManifest {
  name: string;
  version: string;
  target: string;
  /** CPython minors ("3.10", …) the wheels cover. */
  pythons: string[];
}

export interface Bundle {
  dir: string;
  manifest: BundleManifest;
}

export interface Python {
  command: string;
  /** "3.12" */
  version: string;
}

/** A Python that was tried and cannot run the bundle, for the message shown to the user. */
export interface RejectedPython {
  command: string;
  reason: string;
}

const VENV_PREFIX = 'venv-';
// Creating the venv and installing ~15 wheels takes 5-15 s; allow for slow disks.
const INSTALL_TIMEOUT_MS = 180_000;
const PROBE_TIMEOUT_MS = 15_000;

/** The bundle shipped in `extensionPath`, or undefined for a .vsix without one. */
export async function readBundle(extensionPath: string): Promise<Bundle | undefined> {
  const dir = path.join(extensionPath, 'server');
  let text: string;
  try {
    text = await fs.readFile(path.join(dir, 'manifest.json'), 'utf8');
  } catch {
    return undefined;
  }
  const manifest = JSON.parse(text) as BundleManifest;
  if (typeof manifest.version !== 'string' || !Array.isArray(manifest.pythons)) {
    throw new Error(`${path.join(dir, 'manifest.json')} is not a bundle manifest`);
  }
  return { dir, manifest };
}

/** Names to look up on PATH for a base Python, most likely to be a full installation first. */
export function pythonCandidates(manifest: BundleManifest): string[] {
  const versioned = [...manifest.pythons].reverse().map((minor) => `python${minor}`);
  return process.platform === 'win32' ? ['python', 'python3', ...versioned] : ['python3', 'python', ...versioned];
}

/** The version ("3.12") `command` reports, or the reason it could not be run. */
export async function probePython(command: string): Promise<{ version: string } | { error: string }> {
  try {
    const out = await capture(command, ['-c', 'import sys; print("%d.%d" % sys.version_info[:2])'], PROBE_TIMEOUT_MS);
    const version = out.stdout.trim();
    return /^\d+\.\d+$/.test(version) ? { version } : { error: `printed ${JSON.stringify(version)}` };
  } catch (error) {
    return { error: `could not be run (${firstLine(error)})` };
  }
}

/** The first of `commands` whose version the bundle supports, and why each earlier one was not taken. */
export async function choosePython(
  commands: string[],
  manifest: BundleManifest,
): Promise<{ python?: Python; rejected: RejectedPython[] }> {
  const rejected: RejectedPython[] = [];
  const seen = new Set<string>();
  for (const command of commands) {
    const real = await fs.realpath(command).catch(() => command);
    if (seen.has(real)) {
      continue;
    }
    seen.add(real);
    const probe = await probePython(command);
    if ('error' in probe) {
      rejected.push({ command, reason: probe.error });
    } else if (manifest.pythons.includes(probe.version)) {
      return { python: { command, version: probe.version }, rejected };
    } else {
      rejected.push({ command, reason: `is Python ${probe.version}` });
    }
  }
  return { rejected };
}

export function venvPython(venv: string): string {
  return process.platform === 'win32' ? path.join(venv, 'Scripts', 'python.exe') : path.join(venv, 'bin', 'python');
}

/**
 * The interpreter of the private venv for `bundle` on `python`, creating the venv on first use.
 * The venv's name hashes the bundle and the base interpreter, so a new bundle or another Python gets a
 * new venv; it is built under a temporary name and renamed, so a half-built venv is never used and two
 * windows starting at once do not collide.
 */
export async function ensureVenv(
  bundle: Bundle,
  python: Python,
  storageDir: string,
  log: (line: string) => void,
  onInstall: (work: Promise<void>) => void,
): Promise<string> {
  const base = await fs.realpath(python.command).catch(() => python.command);
  const wheels = (await fs.readdir(path.join(bundle.dir, 'wheels'))).sort();
  const key = createHash('sha256')
    .update(JSON.stringify([bundle.manifest, wheels, base, python.version]))
    .digest('hex')
    .slice(0, 12);
  const venv = path.join(storageDir, `${VENV_PREFIX}${bundle.manifest.version}-py${python.version}-${key}`);
  const interpreter = venvPython(venv);
  if (await exists(interpreter)) {
    return interpreter;
  }
  // A venv whose interpreter no longer starts (its base Python was removed): build it again.
  await fs.rm(venv, { recursive: true, force: true });
  const work = install(bundle, python, venv, log);
  onInstall(work);
  await work;
  void removeOldVenvs(storageDir, bundle.manifest.version, log);
  return interpreter;
}

async function install(bundle: Bundle, python: Python, venv: string, log: (line: string) => void): Promise<void> {
  await fs.mkdir(path.dirname(venv), { recursive: true });
  const building = `${venv}.tmp-${process.pid}-${Date.now()}`;
  log(`Installing the bundled elixir-perf-lsp ${bundle.manifest.version} with ${python.command} (Python ${python.version}) into ${venv}`);
  try {
    // --without-pip: works where ensurepip is missing (Debian without python3-venv); the bundled pip
    // wheel does the install instead.
    await runLogged(python.command, ['-m', 'venv', '--without-pip', building], log);
    const [pipWheel] = (await fs.readdir(path.join(bundle.dir, 'pip'))).filter((name) => name.endsWith('.whl'));
    if (!pipWheel) {
      throw new Error(`no pip wheel in ${path.join(bundle.dir, 'pip')}`);
    }
    await runLogged(
      venvPython(building),
      [
        path.join(bundle.dir, 'pip', pipWheel, 'pip'),
        'install',
        '--no-index',
        '--find-links',
        path.join(bundle.dir, 'wheels'),
        '--no-cache-dir',
        '--disable-pip-version-check',
        '--no-warn-script-location',
        `${bundle.manifest.name}==${bundle.manifest.version}`,
      ],
      log,
    );
    try {
      await fs.rename(building, venv);
    } catch (error) {
      // Another window finished first: use its venv.
      if (!(await exists(venvPython(venv)))) {
        throw error;
      }
    }
  } finally {
    await fs.rm(building, { recursive: true, force: true });
  }
}

/**
 * Venvs of other server versions (~30 MB each), left by earlier versions of the extension. Venvs of this
 * version for another Python stay: another window may be running one (its elixirPerf.interpreter).
 */
async function removeOldVenvs(storageDir: string, version: string, log: (line: string) => void): Promise<void> {
  for (const name of await fs.readdir(storageDir).catch(() => [] as string[])) {
    const full = path.join(storageDir, name);
    if (name.startsWith(VENV_PREFIX) && !name.startsWith(`${VENV_PREFIX}${version}-`) && !name.includes('.tmp-')) {
      await fs.rm(full, { recursive: true, force: true }).catch(() => undefined);
      log(`Removed the unused venv ${full}`);
    }
  }
}

// --- processes ----------------------------------------------------------------------------------

interface Output {
  stdout: string;
  stderr: string;
}

function capture(command: string, args: string[], timeout: number): Promise<Output> {
  return new Promise((resolve, reject) => {
    execFile(
      command,
      args,
      // The user's pip configuration (constraints, require-virtualenv, an index) must not steer an
      // offline install of pinned wheels.
      { timeout, windowsHide: true, env: { ...process.env, PIP_CONFIG_FILE: os.devNull, PYTHONNOUSERSITE: '1' } },
      (error, stdout, stderr) => {
        if (error) {
          reject(Object.assign(error, { stdout, stderr }));
        } else {
          resolve({ stdout, stderr });
        }
      },
    );
  });
}

async function runLogged(command: string, args: string[], log: (line: string) => void): Promise<void> {
  log(`$ ${command} ${args.join(' ')}`);
  try {
    const out = await capture(command, args, INSTALL_TIMEOUT_MS);
    for (const text of [out.stdout, out.stderr]) {
      if (text.trim()) {
        log(text.trimEnd());
      }
    }
  } catch (error) {
    const { stdout = '', stderr = '' } = error as Partial<Output>;
    log(`${stdout}${stderr}`.trimEnd());
    const last = stderr.trim().split('\n').pop() ?? '';
    throw new Error(`\`${path.basename(command)} ${args.slice(0, 2).join(' ')}\` failed${last ? `: ${last}` : ''}`);
  }
}

async function exists(file: string): Promise<boolean> {
  try {
    await fs.stat(file);
    return true;
  } catch {
    return false;
  }
}

function firstLine(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.split('\n')[0] ?? text;
}
