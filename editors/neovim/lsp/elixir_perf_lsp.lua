---@brief
---
--- https://github.com/elixir-perf-lsp/elixir-perf-lsp
---
--- elixir-perf-lsp flags performance footguns in Elixir code (quadratic appends, N+1 queries, regex
--- compiles in hot functions, ...) and offers fixes. It runs next to ElixirLS, Expert or Lexical:
--- its diagnostics have the source `elixir-perf` and codes `EP101`...`EP802`.
---
--- Install the server (Python >= 3.10):
--- ```sh
--- pip install elixir-perf-lsp   # or: pipx install elixir-perf-lsp
--- ```
---
--- Settings (section `elixirPerf`): `select`, `ignore`, `severity`, `targetElixir`, `targetOtp`,
--- `configFile`, `debounceMs`, `enable`. Leave them unset to use the project's `.elixir-perf.toml`.
--- ```lua
--- vim.lsp.config('elixir_perf_lsp', {
---   settings = { elixirPerf = { ignore = { 'EP503' }, severity = { EP101 = 'warning' } } },
--- })
--- vim.lsp.enable('elixir_perf_lsp')
--- ```
---
--- Neovim >= 0.11. Copy this file to `~/.config/nvim/lsp/elixir_perf_lsp.lua` (any `lsp/` directory on
--- 'runtimepath' works).

---@type vim.lsp.Config
return {
  cmd = { 'elixir-perf-lsp', 'serve' },
  filetypes = { 'elixir' },
  root_markers = { 'mix.exs', '.git' },
  settings = {
    elixirPerf = vim.empty_dict(), -- not `{}`: Neovim encodes an empty table as a JSON array
  },
}
