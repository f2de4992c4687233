-- Drives Neovim >= 0.10 against elixir-perf-lsp set up the way a user does, and records what the
-- editor saw.  Run by tests/e2e/test_neovim_new.py:
--
--   E2E_INPUT=/tmp/x/input.json nvim --headless -u NONE -i NONE -n -c 'lua dofile(vim.env.E2E_SCRIPT)'
--
-- input.json: {"config_dir": "/abs/editors/neovim", "file": "/abs/lib/demo.ex", "result": "...",
--              "fix_line": 1, "insert_at": 4, "typed_line": "  def c(ys) ..."}
-- The server is whatever `elixir-perf-lsp` is on PATH (the test puts this checkout's there), started
-- from the shipped editors/neovim/lsp/elixir_perf_lsp.lua, unchanged:
--   Neovim >= 0.11: that directory on 'runtimepath' + vim.lsp.enable('elixir_perf_lsp');
--   Neovim 0.10 (no vim.lsp.enable): the README's FileType autocmd + vim.lsp.start, fed the file.
-- Newer clients pull diagnostics (textDocument/diagnostic): the script records the pulled reports
-- keyed on the buffer version each request was made for, and waits on those.  It never asserts on
-- content; the Python test does.  Waits are on conditions, no sleeps.

local input = vim.json.decode(table.concat(vim.fn.readfile(vim.env.E2E_INPUT), '\n'))
local result = { steps = {}, shown = {}, log = {}, pulled = {}, pushed = {} }
local WAIT_MS = tonumber(vim.env.E2E_WAIT_MS or '') or 15000
local T0 = vim.uv.hrtime()
local NAME = 'elixir_perf_lsp'

local Stop = {}
local function fail(message)
  result.error = message
  error(Stop)
end

local function wait_for(what, condition)
  if not vim.wait(WAIT_MS, condition, 10) then
    fail('timed out after ' .. WAIT_MS .. ' ms waiting for ' .. what)
  end
end

-- What the server sent, as it sent it (positions in the negotiated encoding).
local file_uri = vim.uri_from_fname(input.file)
local latest = nil -- { version = , items = } of the newest full report for the file
local default_pull = vim.lsp.handlers['textDocument/diagnostic']
vim.lsp.handlers['textDocument/diagnostic'] = function(err, res, ctx, config)
  if ctx.params and ctx.params.textDocument.uri == file_uri then
    table.insert(result.pulled, { version = ctx.version, kind = res and res.kind, err = err })
    if res and res.kind == 'full' then
      latest = { version = ctx.version, items = res.items }
    elseif res and res.kind == 'unchanged' and latest then
      latest = { version = ctx.version, items = latest.items }
    end
  end
  return default_pull(err, res, ctx, config)
end
local default_push = vim.lsp.handlers['textDocument/publishDiagnostics']
vim.lsp.handlers['textDocument/publishDiagnostics'] = function(err, params, ctx, config)
  if params and params.uri == file_uri then
    table.insert(result.pushed, { version = params.version, count = #params.diagnostics })
  end
  return default_push(err, params, ctx, config)
end
vim.lsp.handlers['window/showMessage'] = function(_, params)
  table.insert(result.shown, params)
end
vim.lsp.handlers['window/logMessage'] = function(_, params)
  table.insert(result.log, params)
end

-- vim.diagnostic's view: 0-based lnum and *byte* columns.
local function vim_diagnostics(bufnr)
  local out = {}
  for _, d in ipairs(vim.diagnostic.get(bufnr)) do
    table.insert(out, {
      lnum = d.lnum,
      col = d.col,
      end_lnum = d.end_lnum,
      end_col = d.end_col,
      code = d.code,
      source = d.source,
      message = d.message,
    })
  end
  table.sort(out, function(a, b)
    return a.lnum < b.lnum or (a.lnum == b.lnum and a.col < b.col)
  end)
  return out
end

-- The server has answered for the text Neovim has now.
local function current(bufnr)
  return latest ~= nil and latest.version == vim.lsp.util.buf_versions[bufnr]
end

local function has_diagnostic_on(bufnr, lnum)
  for _, d in ipairs(vim.diagnostic.get(bufnr)) do
    if d.lnum == lnum then
      return true
    end
  end
  return false
end

local function snapshot(bufnr, name, extra)
  local step = {
    name = name,
    ms = math.floor((vim.uv.hrtime() - T0) / 1e6),
    lines = vim.api.nvim_buf_get_lines(bufnr, 0, -1, false),
    version = vim.lsp.util.buf_versions[bufnr],
    server = latest,
    diagnostics = vim_diagnostics(bufnr),
  }
  for k, v in pairs(extra or {}) do
    step[k] = v
  end
  table.insert(result.steps, step)
  return step
end

local function setup()
  if vim.lsp.enable then
    result.setup = 'vim.lsp.enable'
    vim.opt.runtimepath:prepend(input.config_dir)
    vim.lsp.enable(NAME)
  else
    -- Neovim 0.10: the README's `vim.lsp.start` setup, with the shipped config's values.
    result.setup = 'vim.lsp.start'
    local config = dofile(input.config_dir .. '/lsp/' .. NAME .. '.lua')
    vim.api.nvim_create_autocmd('FileType', {
      pattern = config.filetypes,
      callback = function(args)
        local file = vim.api.nvim_buf_get_name(args.buf)
        vim.lsp.start(vim.tbl_extend('force', config, {
          name = NAME,
          root_dir = vim.fs.root(file, config.root_markers) or vim.fs.dirname(file),
        }))
      end,
    })
  end
end

-- `vim.lsp.buf.code_action()` as typed by the user, the menu answered with the preferred action.
local function code_action_command(bufnr)
  local menu, shown, choice = {}, false, nil
  vim.ui.select = function(items, opts, on_choice)
    for _, item in ipairs(items) do
      local label = (opts.format_item or tostring)(item) -- may return more than the label
      table.insert(menu, label)
      local action = item.action or item[2]
      if not choice and action.isPreferred then
        choice = item
      end
    end
    shown = true
    on_choice(choice)
  end
  local before = vim.api.nvim_buf_get_changedtick(bufnr)
  vim.lsp.buf.code_action()
  wait_for('the code action menu', function()
    return shown
  end)
  if not choice then
    fail('no preferred action in the menu: ' .. table.concat(menu, ' | '))
  end
  wait_for('the code action to edit the buffer', function()
    return vim.api.nvim_buf_get_changedtick(bufnr) ~= before
  end)
  return menu
end

local function journey()
  local v = vim.version()
  result.nvim = string.format('%d.%d.%d', v.major, v.minor, v.patch)
  vim.cmd('filetype on')
  setup()

  vim.cmd('edit ' .. vim.fn.fnameescape(input.file))
  local bufnr = vim.api.nvim_get_current_buf()
  result.filetype = vim.bo[bufnr].filetype
  local client
  wait_for('the client to start and initialize', function()
    client = vim.lsp.get_clients({ bufnr = bufnr, name = NAME })[1]
    return client ~= nil and client.initialized
  end)
  result.offset_encoding = client.offset_encoding
  result.cmd = client.config.cmd
  result.root_dir = client.config.root_dir or client.root_dir
  result.pull_provider = client.server_capabilities.diagnosticProvider ~= nil

  -- 1. Diagnostics on open.
  wait_for('diagnostics for the opened buffer', function()
    return current(bufnr) and #vim.diagnostic.get(bufnr) > 0
  end)
  snapshot(bufnr, 'opened')

  -- 2-3. Cursor on the finding, vim.lsp.buf.code_action(), take the preferred fix.
  local first
  for _, d in ipairs(vim.diagnostic.get(bufnr)) do
    if d.lnum == input.fix_line then
      first = d
    end
  end
  vim.api.nvim_win_set_cursor(0, { first.lnum + 1, first.col })
  local menu = code_action_command(bufnr)
  snapshot(bufnr, 'fixed', { menu = menu })
  wait_for('diagnostics after the fix', function()
    return current(bufnr)
  end)
  snapshot(bufnr, 'fixed_diagnostics')

  -- 4. Type a new footgun line in insert mode, key by key.
  vim.api.nvim_win_set_cursor(0, { input.insert_at, 0 })
  vim.bo[bufnr].autoindent = false -- the typed line carries its own indentation
  vim.bo[bufnr].indentexpr = ''
  local keys = vim.api.nvim_replace_termcodes('o' .. input.typed_line .. '<Esc>', true, false, true)
  vim.api.nvim_feedkeys(keys, 'xt', false)
  wait_for('diagnostics after typing', function()
    return current(bufnr) and has_diagnostic_on(bufnr, input.insert_at)
  end)
  snapshot(bufnr, 'typed')

  -- 5. Fix the typed line through the same command, the cursor on its finding.
  for _, d in ipairs(vim.diagnostic.get(bufnr)) do
    if d.lnum == input.insert_at then
      vim.api.nvim_win_set_cursor(0, { d.lnum + 1, d.col })
    end
  end
  menu = code_action_command(bufnr)
  wait_for('diagnostics after the second fix', function()
    return current(bufnr) and not has_diagnostic_on(bufnr, input.insert_at)
  end)
  snapshot(bufnr, 'command_fixed', { menu = menu })

  client:stop()
  wait_for('the server to stop', function()
    return vim.lsp.get_client_by_id(client.id) == nil
  end)
  result.stopped = true
end

local ok, e = xpcall(journey, function(e)
  if e == Stop then
    return e
  end
  return debug.traceback(tostring(e), 2)
end)
if not ok and e ~= Stop then
  result.error = e
end
result.messages = vim.api.nvim_exec2('messages', { output = true }).output
local log = vim.lsp.log.get_filename()
result.lsp_log = vim.fn.filereadable(log) == 1 and vim.fn.readfile(log) or {}
vim.fn.writefile({ vim.json.encode(result) }, input.result)
vim.cmd('qall!')
