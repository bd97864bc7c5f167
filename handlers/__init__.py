"""One module per conversation capability. Each exposes handler functions registered with
`handlers.registry` for an intent or a button prefix; handlers call services, never repositories."""
