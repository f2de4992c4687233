"""The language server: thin pygls glue over the documents and the engine."""
