"""One module per rule; each defines `RULE`. The registry discovers them."""
