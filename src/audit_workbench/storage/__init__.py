"""The store: SQLAlchemy models, the database opener with migrations, the event log, attachments."""
