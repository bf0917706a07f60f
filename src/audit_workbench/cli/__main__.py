"""`python -m audit_workbench.cli`."""

from . import run

run()
