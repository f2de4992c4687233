-- nvim-lspconfig server definition (legacy `lua/lspconfig/configs/<name>.lua` format).
-- Use it without upstreaming:
--   require('lspconfig.configs').elixir_perf_lsp = dofile('/path/to/editors/neovim/lspconfig/elixir_perf_lsp.lua')
--   require('lspconfig').elixir_perf_lsp.setup({})
local util = require('lspconfig.util')

return {
  default_config = {
    cmd = { 'elixir-perf-lsp', 'serve' },
    filetypes = { 'elixir' },
    root_dir = util.root_pattern('mix.exs', '.git'),
    single_file_support = true,
    settings = {
      elixirPerf = vim.empty_dict(), -- not `{}`: Neovim encodes an empty table as a JSON array
    },
  },
  docs = {
    description = [[
https://github.com/elixir-perf-lsp/elixir-perf-lsp

elixir-perf-lsp flags performance footguns in Elixir code (quadratic appends, N+1 queries, regex
compiles in hot functions, ...) and offers fixes. It runs next to ElixirLS, Expert or Lexical: its
diagnostics have the source `elixir-perf` and codes `EP101`...`EP802`.

Install the server (Python >= 3.10):
```sh
pip install elixir-perf-lsp   # or: pipx install elixir-perf-lsp
```

Settings (section `elixirPerf`): `select`, `ignore`, `severity`, `targetElixir`, `targetOtp`,
`configFile`, `debounceMs`, `enable`. Leave them unset to use the project's `.elixir-perf.toml`.
```lua
require('lspconfig').elixir_perf_lsp.setup({
  settings = { elixirPerf = { ignore = { 'EP503' }, severity = { EP101 = 'warning' } } },
})
```
]],
    default_config = {
      root_dir = [[root_pattern("mix.exs", ".git")]],
    },
  },
}
