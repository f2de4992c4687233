-- Drives Neovim 0.7's built-in LSP client against elixir-perf-lsp and records what the
-- editor saw.  Run by tests/e2e/test_neovim.py:
--
--   E2E_INPUT=/tmp/x/input.json nvim --headless -u NONE -i NONE -n -c 'luafile tests/e2e/nvim_journey.lua'
--   (the test passes the path in E2E_SCRIPT and runs `lua dofile(vim.env.E2E_SCRIPT)`)
--
-- input.json: {"cmd": [...], "file": "/abs/lib/demo.ex", "root": "/abs", "result": "/abs/result.json",
--              "fix_line": 1, "insert_at": 4, "new_line": "  def c(ys) ...", "typed_line": "..."}
-- The script never asserts on content: it records every step in result.json (and "error" when a
-- step fails or times out) and the Python test checks it.  Only vim.wait on conditions, no sleeps.
-- Uses only APIs that exist in Neovim 0.7 (vim.lsp.start_client + buf_attach_client).

local input = vim.fn.json_decode(table.concat(vim.fn.readfile(vim.env.E2E_INPUT), '\n'))
local result = { steps = {}, shown = {}, log = {} }
local WAIT_MS = tonumber(vim.env.E2E_WAIT_MS or '') or 15000
local T0 = vim.loop.hrtime()

local function write_result()
  local encode = (vim.json and vim.json.encode) or vim.fn.json_encode
  vim.fn.writefile({ encode(result) }, input.result)
end

-- A step that times out or errors stops the journey; what was recorded so far is kept.
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

-- Raw publishDiagnostics params, as the server sent them (positions in the negotiated encoding).
local published = {}
local default_publish = vim.lsp.handlers['textDocument/publishDiagnostics']
vim.lsp.handlers['textDocument/publishDiagnostics'] = function(err, params, ctx, config)
  if params and params.uri == vim.uri_from_fname(input.file) then
    table.insert(published, { version = params.version, diagnostics = params.diagnostics })
  end
  return default_publish(err, params, ctx, config)
end
vim.lsp.handlers['window/showMessage'] = function(_, params)
  table.insert(result.shown, params)
end
vim.lsp.handlers['window/logMessage'] = function(_, params)
  table.insert(result.log, params)
end

local function last_published()
  return published[#published]
end

-- vim.diagnostic's view: 0-based lnum and *byte* columns, converted by Neovim from the LSP range.
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
      has_data = d.user_data ~= nil and d.user_data.lsp ~= nil and d.user_data.lsp.data ~= nil,
    })
  end
  table.sort(out, function(a, b)
    return a.lnum < b.lnum or (a.lnum == b.lnum and a.col < b.col)
  end)
  return out
end

local function lines(bufnr)
  return vim.api.nvim_buf_get_lines(bufnr, 0, -1, false)
end

-- The server has answered for the text Neovim has now: a publish for the version Neovim last
-- sent (util.buf_versions is bumped on every change, before the debounced didChange goes out).
local function published_current(bufnr)
  local last = last_published()
  return last ~= nil and last.version == vim.lsp.util.buf_versions[bufnr]
end

local function snapshot(bufnr, name, extra)
  local step = {
    name = name,
    ms = math.floor((vim.loop.hrtime() - T0) / 1e6),
    lines = lines(bufnr),
    version = vim.lsp.util.buf_versions[bufnr],
    published = last_published(),
    diagnostics = vim_diagnostics(bufnr),
  }
  for k, v in pairs(extra or {}) do
    step[k] = v
  end
  table.insert(result.steps, step)
  return step
end

local function journey()
  local v = vim.version()
  result.nvim = string.format('%d.%d.%d', v.major, v.minor, v.patch)

  vim.cmd('edit ' .. vim.fn.fnameescape(input.file))
  local bufnr = vim.api.nvim_get_current_buf()
  vim.bo[bufnr].filetype = 'elixir'

  -- The README's Neovim 0.7 setup, minus the FileType autocmd.
  local client_id = vim.lsp.start_client({
    name = 'elixir-perf-lsp',
    cmd = input.cmd,
    root_dir = input.root,
    workspace_folders = { { uri = vim.uri_from_fname(input.root), name = input.root } },
    settings = { elixirPerf = vim.empty_dict() },
  })
  if not client_id then
    fail('vim.lsp.start_client returned nil')
  end
  vim.lsp.buf_attach_client(bufnr, client_id)
  wait_for('the client to initialize', function()
    local c = vim.lsp.get_client_by_id(client_id)
    return c ~= nil and c.initialized
  end)
  local client = vim.lsp.get_client_by_id(client_id)
  result.offset_encoding = client.offset_encoding

  -- 1. Diagnostics on open.
  wait_for('diagnostics for the opened buffer', function()
    return published_current(bufnr) and #vim.diagnostic.get(bufnr) > 0
  end)
  snapshot(bufnr, 'opened')

  -- 2. Code actions the way vim.lsp.buf.code_action() asks for them in 0.7: cursor at the start of
  --    the flagged line (before the finding), context.diagnostics from get_line_diagnostics, which
  --    converts vim.diagnostic back with byte columns but keeps user_data.lsp.data.
  vim.api.nvim_win_set_cursor(0, { input.fix_line + 1, 0 })
  local params = vim.lsp.util.make_range_params()
  params.context = { diagnostics = vim.lsp.diagnostic.get_line_diagnostics(bufnr) }
  local responses, err = vim.lsp.buf_request_sync(bufnr, 'textDocument/codeAction', params, WAIT_MS)
  if not responses then
    fail('codeAction request failed: ' .. tostring(err))
  end
  local response = responses[client_id] or {}
  if response.err then
    fail('codeAction error: ' .. vim.inspect(response.err))
  end
  local actions = response.result or {}
  local preferred
  for _, action in ipairs(actions) do
    if action.kind == 'quickfix' and action.isPreferred and not preferred then
      preferred = action
    end
  end
  local step = snapshot(bufnr, 'code_actions', { request = params, actions = actions })
  if not preferred then
    fail('no preferred quickfix among ' .. #actions .. ' actions')
  end

  -- 3. Apply it as Neovim does (execute_action → apply_workspace_edit with the client's encoding).
  vim.lsp.util.apply_workspace_edit(preferred.edit, client.offset_encoding)
  step.applied = preferred.title
  snapshot(bufnr, 'fixed')
  wait_for('diagnostics after the fix', function()
    return published_current(bufnr)
  end)
  snapshot(bufnr, 'fixed_diagnostics')

  -- 4. Type a new footgun line: diagnostics must follow.
  vim.api.nvim_buf_set_lines(bufnr, input.insert_at, input.insert_at, false, { input.new_line })

  -- 4a. Right away (before the server re-publishes), code actions with the cursor *on* a finding
  --     the edit did not move: Neovim flushes the didChange first, so the request range is in the
  --     new version's coordinates, while context.diagnostics still carry the old version's data.
  vim.api.nvim_win_set_cursor(0, { input.stale_cursor[1] + 1, input.stale_cursor[2] })
  local stale_params = vim.lsp.util.make_range_params()
  stale_params.context = { diagnostics = vim.lsp.diagnostic.get_line_diagnostics(bufnr) }
  local stale_version = vim.lsp.util.buf_versions[bufnr]
  local stale = vim.lsp.buf_request_sync(bufnr, 'textDocument/codeAction', stale_params, WAIT_MS)
  local stale_response = (stale or {})[client_id] or {}
  table.insert(result.steps, {
    name = 'code_actions_right_after_typing',
    version = stale_version,
    request = stale_params,
    actions = stale_response.result or {},
    error = stale_response.err,
  })
  wait_for('diagnostics after typing', function()
    if not published_current(bufnr) then
      return false
    end
    for _, d in ipairs(vim.diagnostic.get(bufnr)) do
      if d.lnum == input.insert_at then
        return true
      end
    end
    return false
  end)
  snapshot(bufnr, 'typed')

  -- 5. The user command: vim.lsp.buf.code_action() on the new line with the cursor at column 0,
  --    vim.ui.select answered like a user taking the preferred action.
  local menu, shown, choice = {}, false, nil
  vim.ui.select = function(items, opts, on_choice)
    for _, item in ipairs(items) do
      local label = (opts.format_item or tostring)(item) -- gsub: 2 results
      table.insert(menu, label)
      if not choice and item[2].isPreferred then
        choice = item
      end
    end
    shown = true
    on_choice(choice)
  end
  local before = vim.api.nvim_buf_get_changedtick(bufnr)
  vim.api.nvim_win_set_cursor(0, { input.insert_at + 1, 0 })
  vim.lsp.buf.code_action()
  wait_for('the code action menu', function()
    return shown
  end)
  if not choice then
    fail('no preferred action in the menu: ' .. table.concat(menu, ' | '))
  end
  wait_for('vim.lsp.buf.code_action() to edit the buffer', function()
    return vim.api.nvim_buf_get_changedtick(bufnr) ~= before
  end)
  wait_for('diagnostics after the second fix', function()
    return published_current(bufnr)
  end)
  snapshot(bufnr, 'command_fixed', { menu = menu })

  -- 6. Type another footgun keystroke by keystroke in insert mode (one buffer change per
  --    character, multi-byte ones included; Neovim batches them into incremental didChanges).
  vim.api.nvim_win_set_cursor(0, { input.insert_at + 1, 0 })
  vim.bo[bufnr].autoindent = false -- the typed line carries its own indentation
  vim.bo[bufnr].indentexpr = ''
  local keys = vim.api.nvim_replace_termcodes('o' .. input.typed_line .. '<Esc>', true, false, true)
  vim.api.nvim_feedkeys(keys, 'xt', false)
  wait_for('diagnostics after typing in insert mode', function()
    if not published_current(bufnr) then
      return false
    end
    for _, d in ipairs(vim.diagnostic.get(bufnr)) do
      if d.lnum == input.insert_at + 1 then
        return true
      end
    end
    return false
  end)
  snapshot(bufnr, 'typed_insert_mode')

  -- 7. Wipe the buffer (didClose): the server clears its diagnostics.
  local count = #published
  vim.cmd('bwipeout! ' .. bufnr)
  wait_for('diagnostics to be cleared on close', function()
    return #published > count
  end)
  table.insert(result.steps, { name = 'closed', published = last_published() })

  -- 8. Stop the server and make sure it exits.
  vim.lsp.stop_client(client_id)
  wait_for('the server to stop', function()
    return vim.lsp.client_is_stopped(client_id)
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
write_result()
vim.cmd('qall!')
