-- Live check of the Neovim setups in ../README.md against a real `elixir-perf-lsp` on PATH.
--
--   nvim --headless -u NONE -l editors/neovim/tests/smoke.lua          (Neovim >= 0.9)
--   nvim --headless -u NONE -c 'luafile editors/neovim/tests/smoke.lua' (any version, 0.7+)
--
-- Neovim >= 0.11: enables lsp/elixir_perf_lsp.lua with vim.lsp.enable.
-- Neovim 0.8-0.10: the README's vim.lsp.start autocmd.
-- Neovim 0.7: the README's vim.lsp.start_client + buf_attach_client autocmd.
-- LSPCONFIG_DIR=/path/to/nvim-lspconfig: nvim-lspconfig's setup{} with ../lspconfig/elixir_perf_lsp.lua.
-- Then waits for an `elixir-perf` diagnostic and runs the README's synchronous fix-all.
-- Exits 0 on success, 1 on failure (message on stderr). Set ELIXIR_PERF_LSP_CMD to use another command
-- (space-separated, e.g. "/path/.venv/bin/python -P -m elixir_perf_lsp serve"; -P keeps the workspace off sys.path).

local function script_dir()
  local source = debug.getinfo(1, 'S').source:sub(2)
  return vim.fn.fnamemodify(source, ':p:h')
end

local editors_neovim = vim.fn.fnamemodify(script_dir(), ':h')
local has = function(feature)
  return vim.fn.has(feature) == 1
end

local function finish(ok, message)
  if ok then
    io.stdout:write('ok: ' .. message .. '\n')
    vim.cmd('qall!')
  else
    io.stderr:write('FAIL: ' .. message .. '\n')
    vim.cmd('cquit! 1')
  end
end

local cmd = { 'elixir-perf-lsp', 'serve' }
if vim.env.ELIXIR_PERF_LSP_CMD and vim.env.ELIXIR_PERF_LSP_CMD ~= '' then
  cmd = vim.split(vim.env.ELIXIR_PERF_LSP_CMD, ' ', { trimempty = true })
end
if vim.fn.executable(cmd[1]) ~= 1 then
  finish(false, cmd[1] .. ' is not executable (pip install elixir-perf-lsp)')
  return
end

-- A tiny mix project with three findings, one of them (EP102) safely fixable.
local project = vim.fn.tempname()
vim.fn.mkdir(project .. '/lib', 'p')
vim.fn.writefile({
  'defmodule Smoke.MixProject do',
  '  use Mix.Project',
  '  def project, do: [app: :smoke, version: "0.1.0", elixir: "~> 1.14"]',
  'end',
}, project .. '/mix.exs')
vim.fn.writefile({
  'defmodule Smoke do',
  '  def g(list) do',
  '    if length(list) == 0, do: :empty, else: :full',
  '  end',
  '',
  '  def h(list) when length(list) > 0, do: :ok',
  'end',
}, project .. '/lib/smoke.ex')

-- Fail on any error/warning the server shows (e.g. a settings payload it rejects).
local shown = {}
vim.lsp.handlers['window/showMessage'] = function(_, result)
  if result and result.type <= 2 then
    table.insert(shown, result.message)
  end
end

local name
local ignore_ep101 = false
if vim.env.LSPCONFIG_DIR and vim.env.LSPCONFIG_DIR ~= '' then
  -- nvim-lspconfig's setup{} framework with lspconfig/elixir_perf_lsp.lua (e.g. v0.1.6 on Neovim 0.7).
  name = 'elixir_perf_lsp'
  vim.opt.runtimepath:prepend(vim.env.LSPCONFIG_DIR)
  require('lspconfig.configs').elixir_perf_lsp = dofile(editors_neovim .. '/lspconfig/elixir_perf_lsp.lua')
  -- Also checks that settings reach the server: EP101 (line 7) must not be reported.
  ignore_ep101 = true
  require('lspconfig').elixir_perf_lsp.setup({ cmd = cmd, settings = { elixirPerf = { ignore = { 'EP101' } } } })
elseif has('nvim-0.11') then
  name = 'elixir_perf_lsp'
  vim.opt.runtimepath:prepend(editors_neovim)
  vim.lsp.config('elixir_perf_lsp', { cmd = cmd })
  vim.lsp.enable('elixir_perf_lsp')
elseif has('nvim-0.8') then
  name = 'elixir-perf-lsp'
  vim.api.nvim_create_autocmd('FileType', {
    pattern = 'elixir',
    callback = function(args)
      local file = vim.api.nvim_buf_get_name(args.buf)
      local marker = vim.fs.find({ 'mix.exs', '.git' }, { upward = true, path = vim.fs.dirname(file) })[1]
      vim.lsp.start({
        name = 'elixir-perf-lsp',
        cmd = cmd,
        root_dir = marker and vim.fs.dirname(marker) or vim.fs.dirname(file),
        settings = { elixirPerf = vim.empty_dict() },
      })
    end,
  })
else
  name = 'elixir-perf-lsp'
  local elixir_perf_clients = {}
  local function elixir_perf_root(file)
    local dir = vim.fn.fnamemodify(file, ':p:h')
    local mix = vim.fn.findfile('mix.exs', dir .. ';')
    if mix ~= '' then
      return vim.fn.fnamemodify(mix, ':p:h')
    end
    local git = vim.fn.finddir('.git', dir .. ';')
    if git ~= '' then
      return vim.fn.fnamemodify(git, ':p:h:h')
    end
    return dir
  end
  vim.api.nvim_create_autocmd('FileType', {
    pattern = 'elixir',
    callback = function(args)
      local root = elixir_perf_root(vim.api.nvim_buf_get_name(args.buf))
      local id = elixir_perf_clients[root]
      if not id or vim.lsp.client_is_stopped(id) then
        id = vim.lsp.start_client({
          name = 'elixir-perf-lsp',
          cmd = cmd,
          root_dir = root,
          workspace_folders = { { uri = vim.uri_from_fname(root), name = root } },
          settings = { elixirPerf = vim.empty_dict() },
        })
        elixir_perf_clients[root] = id
      end
      if id then
        vim.lsp.buf_attach_client(args.buf, id)
      end
    end,
  })
end

-- The README's synchronous fix-all.
local function elixir_perf_fix_all(bufnr)
  bufnr = bufnr or vim.api.nvim_get_current_buf()
  local last = vim.api.nvim_buf_line_count(bufnr) - 1
  local last_line = vim.api.nvim_buf_get_lines(bufnr, last, last + 1, false)[1] or ''
  local params = {
    textDocument = { uri = vim.uri_from_bufnr(bufnr) },
    range = { start = { line = 0, character = 0 }, ['end'] = { line = last, character = #last_line } },
    context = { only = { 'source.fixAll.elixir-perf' }, diagnostics = {} },
  }
  local responses = vim.lsp.buf_request_sync(bufnr, 'textDocument/codeAction', params, 2000) or {}
  for client_id, response in pairs(responses) do
    local client = vim.lsp.get_client_by_id(client_id)
    for _, action in ipairs(response.result or {}) do
      if action.kind == 'source.fixAll.elixir-perf' and action.edit then
        vim.lsp.util.apply_workspace_edit(action.edit, client.offset_encoding)
      end
    end
  end
end

vim.cmd('filetype on')
vim.cmd('edit ' .. vim.fn.fnameescape(project .. '/lib/smoke.ex'))
local bufnr = vim.api.nvim_get_current_buf()
if vim.bo[bufnr].filetype ~= 'elixir' then
  -- Some runtimes without the elixir ftdetect (Vim's *.ex is ambiguous with Euphoria).
  vim.bo[bufnr].filetype = 'elixir'
end

local function ours()
  local found = {}
  for _, d in ipairs(vim.diagnostic.get(bufnr)) do
    if d.source == 'elixir-perf' then
      table.insert(found, d)
    end
  end
  return found
end

local function has_code(code)
  for _, d in ipairs(ours()) do
    if d.code == code or (d.user_data and d.user_data.lsp and d.user_data.lsp.code == code) then
      return true
    end
  end
  return false
end

-- EP102 always; EP101 too unless the settings ignore it.
local got = vim.wait(15000, function()
  return has_code('EP102') and (ignore_ep101 or has_code('EP101'))
end, 50)
local get_clients = vim.lsp.get_clients or vim.lsp.get_active_clients
local clients = {}
for _, c in pairs(get_clients()) do
  table.insert(clients, c.name)
end
if not got then
  finish(false, 'expected elixir-perf diagnostics missing after 15 s; clients: ' .. table.concat(clients, ','))
  return
end
local codes = {}
for _, d in ipairs(ours()) do
  table.insert(codes, tostring(d.code or (d.user_data and d.user_data.lsp and d.user_data.lsp.code)))
end
if ignore_ep101 and has_code('EP101') then
  finish(false, 'EP101 reported although settings.elixirPerf.ignore has it')
  return
end
local client = get_clients()[1]
if not client or client.name ~= name then
  finish(false, 'unexpected client ' .. (client and client.name or 'none'))
  return
end
if client.config.root_dir ~= vim.fn.resolve(project) and client.config.root_dir ~= project then
  finish(false, 'root_dir ' .. tostring(client.config.root_dir) .. ' ~= ' .. project)
  return
end

elixir_perf_fix_all(bufnr)
vim.wait(300)
if #shown > 0 then
  finish(false, 'server reported: ' .. table.concat(shown, ' | '))
  return
end
local line = vim.api.nvim_buf_get_lines(bufnr, 2, 3, false)[1]
if not line:find('list == []', 1, true) then
  finish(false, 'fix-all did not rewrite line 3: ' .. line)
  return
end
local v = vim.version()
finish(true, string.format('Neovim %d.%d, %s: diagnostics %s; fix-all -> %s',
  v.major, v.minor, name, table.concat(codes, ','), vim.trim(line)))
