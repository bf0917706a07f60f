"""Dialogs of the window. Each has a classmethod `ask(...)` that returns the answer (or None when
cancelled); tests replace `ask` and never block on `exec()`."""
