"""The PySide6 desktop window: a thin layer over the services (no business rule lives here)."""
