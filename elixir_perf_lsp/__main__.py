from elixir_perf_lsp.cli import main

raise SystemExit(main())
