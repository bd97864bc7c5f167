"""Repositories: the only code that builds SQL. Services call them inside one session/transaction."""
