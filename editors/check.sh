#!/usr/bin/env bash
# Validates the editor integrations under editors/.
#
#   editors/check.sh                 # all: helix neovim emacs vscode
#   editors/check.sh helix neovim    # some
#
# Static checks need: python3 >= 3.11 (helix), nvim >= 0.7 (neovim), emacs >= 27 (emacs),
# node >= 20 + npm with the npm registry reachable (vscode: npm ci). A missing tool skips that part.
# Live checks run when `elixir-perf-lsp` is on PATH (or ELIXIR_PERF_LSP_CMD is set for Neovim): the
# Neovim README setup for the installed version (+ nvim-lspconfig's setup{} when LSPCONFIG_DIR points
# at an nvim-lspconfig checkout), Eglot, and lsp-mode when it is installed (Debian: elpa-lsp-mode).
# Set EDITORS_CHECK_LIVE=0 to skip them, EDITORS_CHECK_STRICT=1 to fail instead of skipping.
# Ends with the line "editors: N passed, N failed, N skipped"; exit status 1 if anything failed.

set -uo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
passed=0
failed=0
skipped=0
failures=()
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

pass() { passed=$((passed + 1)); echo "PASS $1"; }
fail() { failed=$((failed + 1)); failures+=("$1"); echo "FAIL $1"; }
skip() {
  if [[ ${EDITORS_CHECK_STRICT:-0} == 1 ]]; then
    fail "$1 (skipped: $2)"
  else
    skipped=$((skipped + 1)); echo "SKIP $1: $2"
  fi
}
# run NAME CMD...: run CMD (output to a log, shown on failure) and record the outcome.
run() {
  local name=$1; shift
  local log="$work/log.$RANDOM"
  if "$@" >"$log" 2>&1; then
    pass "$name"
  else
    fail "$name"
    sed 's/^/    | /' "$log" | tail -40
  fi
}
have() { command -v "$1" >/dev/null 2>&1; }
live_ok() { [[ ${EDITORS_CHECK_LIVE:-1} != 0 ]]; }
server_on_path() { have elixir-perf-lsp; }

# --- Helix ----------------------------------------------------------------------------------------
check_helix() {
  if ! have python3; then skip helix "python3 not found"; return; fi
  run "helix: languages.toml parses and has the expected tables" python3 - "$here/helix/languages.toml" <<'EOF'
import sys
import tomllib

with open(sys.argv[1], "rb") as f:
    data = tomllib.load(f)
server = data["language-server"]["elixir-perf-lsp"]
assert server["command"] == "elixir-perf-lsp", server
assert server["args"] == ["serve"], server
assert isinstance(server.get("config", {}).get("elixirPerf", {}), dict), server
elixir = [lang for lang in data["language"] if lang["name"] == "elixir"]
assert len(elixir) == 1, elixir
servers = elixir[0]["language-servers"]
assert servers == ["elixir-ls", "elixir-perf-lsp"], servers
EOF
  run "helix: README toml blocks parse" python3 - "$here/helix/README.md" "$here/README.md" <<'EOF'
import re
import sys
import tomllib

for path in sys.argv[1:]:
    text = open(path, encoding="utf-8").read()
    for block in re.findall(r"```toml\n(.*?)```", text, re.S):
        tomllib.loads(block)
EOF
}

# --- Neovim ---------------------------------------------------------------------------------------
# nvim_lua NAME SCRIPT: run a Lua file in headless Neovim; a Lua error or cquit fails it.
nvim_lua() {
  local name=$1 script=$2
  run "$name" timeout 120 nvim --headless -u NONE -i NONE -n \
    -c "lua local ok, err = pcall(dofile, '$script'); if not ok then io.stderr:write(tostring(err) .. '\n'); vim.cmd('cquit 1') end" \
    -c 'qall!'
}

check_neovim() {
  if ! have nvim; then skip neovim "nvim not found"; return; fi
  cat >"$work/lsp_config.lua" <<EOF
local c = dofile('$here/neovim/lsp/elixir_perf_lsp.lua')
assert(type(c) == 'table', 'lsp/elixir_perf_lsp.lua must return a table')
assert(vim.deep_equal(c.cmd, { 'elixir-perf-lsp', 'serve' }), 'cmd')
assert(vim.deep_equal(c.filetypes, { 'elixir' }), 'filetypes')
assert(vim.deep_equal(c.root_markers, { 'mix.exs', '.git' }), 'root_markers')
assert(type(c.settings.elixirPerf) == 'table', 'settings.elixirPerf')
assert(vim.json.encode(c.settings) == '{"elixirPerf":{}}', 'settings must encode as an object: ' .. vim.json.encode(c.settings))
EOF
  nvim_lua "neovim: lsp/elixir_perf_lsp.lua returns the vim.lsp.Config table" "$work/lsp_config.lua"

  cat >"$work/lspconfig.lua" <<EOF
local dir = os.getenv('LSPCONFIG_DIR')
if dir and dir ~= '' then
  vim.opt.runtimepath:prepend(dir)
else
  -- Without nvim-lspconfig: a stand-in for the one helper the definition uses.
  package.loaded['lspconfig.util'] = {
    root_pattern = function(...)
      local markers = { ... }
      return function() return markers end
    end,
  }
end
local c = dofile('$here/neovim/lspconfig/elixir_perf_lsp.lua')
local d = c.default_config
assert(vim.deep_equal(d.cmd, { 'elixir-perf-lsp', 'serve' }), 'cmd')
assert(vim.deep_equal(d.filetypes, { 'elixir' }), 'filetypes')
assert(type(d.root_dir) == 'function', 'root_dir')
assert(type(c.docs.description) == 'string' and #c.docs.description > 0, 'docs.description')
if dir and dir ~= '' then
  require('lspconfig.configs').elixir_perf_lsp = c
  require('lspconfig').elixir_perf_lsp.setup({})
end
EOF
  nvim_lua "neovim: lspconfig/elixir_perf_lsp.lua is a valid server definition" "$work/lspconfig.lua"

  # Every ```lua block in the Neovim docs must at least compile.
  python3 - "$work" "$here/neovim/README.md" "$here/README.md" <<'EOF' || fail "neovim: extract README lua blocks"
import re
import sys

out = sys.argv[1]
n = 0
for path in sys.argv[2:]:
    for block in re.findall(r"```lua\n(.*?)```", open(path, encoding="utf-8").read(), re.S):
        n += 1
        # README blocks are indented inside list items: strip the common indentation.
        lines = block.splitlines()
        indent = min((len(l) - len(l.lstrip()) for l in lines if l.strip()), default=0)
        with open(f"{out}/readme_{n}.lua", "w", encoding="utf-8") as f:
            f.write("\n".join(l[indent:] for l in lines) + "\n")
EOF
  cat >"$work/readme_blocks.lua" <<EOF
local n = 0
for _, file in ipairs(vim.fn.glob('$work/readme_*.lua', false, true)) do
  local chunk, err = loadfile(file)
  assert(chunk, err)
  n = n + 1
end
assert(n > 0, 'no lua blocks found')
EOF
  nvim_lua "neovim: README lua snippets compile" "$work/readme_blocks.lua"

  if ! live_ok; then skip "neovim: live session" "EDITORS_CHECK_LIVE=0"; return; fi
  if server_on_path || [[ -n ${ELIXIR_PERF_LSP_CMD:-} ]]; then
    LSPCONFIG_DIR= nvim_lua "neovim: live session, README setup ($(nvim --version | head -1))" \
      "$here/neovim/tests/smoke.lua"
    if [[ -n ${LSPCONFIG_DIR:-} ]]; then
      nvim_lua "neovim: live session via nvim-lspconfig" "$here/neovim/tests/smoke.lua"
    fi
  else
    skip "neovim: live session" "elixir-perf-lsp not on PATH"
  fi
}

# --- Emacs ----------------------------------------------------------------------------------------
check_emacs() {
  if ! have emacs; then skip emacs "emacs not found"; return; fi
  mkdir -p "$work/emacs"
  cp "$here/emacs/elixir-perf-lsp.el" "$work/emacs/"
  run "emacs: byte-compiles cleanly (emacs -Q)" \
    emacs -Q --batch --eval '(setq byte-compile-error-on-warn t)' \
    -f batch-byte-compile "$work/emacs/elixir-perf-lsp.el"
  rm -f "$work/emacs/elixir-perf-lsp.elc"
  run "emacs: byte-compiles cleanly with eglot/lsp-mode loaded" \
    emacs --batch --eval '(package-initialize)' \
    --eval "(progn (require 'eglot nil t) (require 'lsp-mode nil t) (setq byte-compile-error-on-warn t))" \
    -f batch-byte-compile "$work/emacs/elixir-perf-lsp.el"
  rm -f "$work/emacs/elixir-perf-lsp.elc"
  run "emacs: checkdoc is clean" bash -c '
    out=$(emacs -Q --batch --eval "(progn (require (quote checkdoc)) (setq checkdoc-spellcheck-documentation-flag nil) (checkdoc-file \"$1\"))" 2>&1 | grep -v "^Loading")
    [[ -z $out ]] || { echo "$out"; exit 1; }' _ "$work/emacs/elixir-perf-lsp.el"
  run "emacs: registers with eglot and lsp-mode on load" \
    emacs --batch --eval '(package-initialize)' --eval "
      (progn
        (load \"$work/emacs/elixir-perf-lsp.el\" nil t)
        (require 'eglot)
        (let ((entry (car eglot-server-programs)))
          (unless (and (equal (caar (car entry)) 'elixir-mode)
                       (equal (car (funcall (cdr entry))) \"elixir-perf-lsp\"))
            (error \"eglot-server-programs: %S\" entry)))
        (when (require 'lsp-mode nil t)
          (unless (gethash 'elixir-perf-lsp lsp-clients) (error \"no lsp-mode client\"))
          (unless (lsp--client-add-on? (gethash 'elixir-perf-lsp lsp-clients)) (error \"not an add-on\"))))"

  if ! live_ok; then skip "emacs: live sessions" "EDITORS_CHECK_LIVE=0"; return; fi
  if ! server_on_path; then skip "emacs: live sessions" "elixir-perf-lsp not on PATH"; return; fi
  run "emacs: live session with Eglot" timeout 120 emacs --batch -l "$here/emacs/tests/smoke-eglot.el"
  if emacs --batch --eval '(package-initialize)' --eval "(kill-emacs (if (require 'lsp-mode nil t) 0 1))" >/dev/null 2>&1; then
    run "emacs: live session with lsp-mode" timeout 120 emacs --batch -l "$here/emacs/tests/smoke-lsp-mode.el"
  else
    skip "emacs: live session with lsp-mode" "lsp-mode not installed (Debian: elpa-lsp-mode)"
  fi
}

# --- VS Code --------------------------------------------------------------------------------------
check_vscode() {
  if ! have npm; then skip vscode "npm not found"; return; fi
  local dir="$here/vscode"
  run "vscode: npm ci" npm --prefix "$dir" ci --no-audit --no-fund
  run "vscode: npm run compile (tsc --noEmit + esbuild)" npm --prefix "$dir" run compile
  run "vscode: activation tests (node --test)" npm --prefix "$dir" test
  rm -f "$dir/elixir-perf.vsix"
  run "vscode: npm run package (vsce)" bash -c 'cd "$1" && npm run package' _ "$dir"
  run "vscode: .vsix holds the bundle and the manifest" python3 - "$dir/elixir-perf.vsix" <<'EOF'
import json
import sys
import zipfile

with zipfile.ZipFile(sys.argv[1]) as z:
    names = set(z.namelist())
    for needed in ("extension/package.json", "extension/out/extension.js", "extension/readme.md"):
        assert needed in names, (needed, sorted(names))
    assert not any(n.startswith("extension/node_modules/") or n.startswith("extension/src/") for n in names), names
    manifest = json.loads(z.read("extension/package.json"))
    assert manifest["main"] == "./out/extension.js"
    assert "elixirPerf.trace.server" in manifest["contributes"]["configuration"]["properties"]
EOF
}

targets=("$@")
[[ ${#targets[@]} -eq 0 ]] && targets=(helix neovim emacs vscode)
for target in "${targets[@]}"; do
  case $target in
    helix | neovim | emacs | vscode) "check_$target" ;;
    *) echo "unknown target: $target (helix, neovim, emacs, vscode)" >&2; exit 2 ;;
  esac
done

if ((failed > 0)); then
  printf 'failed:\n'
  printf '  %s\n' "${failures[@]}"
fi
echo "editors: $passed passed, $failed failed, $skipped skipped"
((failed == 0))
