"""Persistence: SQLAlchemy models, repositories, Alembic migrations and plan importers."""
