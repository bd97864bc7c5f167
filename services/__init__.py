"""Service layer: use cases over repositories, one transaction each. Handlers and the CLI call these;
no service knows which messenger a request came from."""
