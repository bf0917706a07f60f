"""Use cases over the store: one call = one transaction, with permission, state and value checks.

Every call either succeeds and appends its events to the audit trail, or raises `Refused` and
leaves the database exactly as it was. Results are frozen dataclasses, never ORM objects.
"""

from .base import Actor, Services

__all__ = ["Actor", "Services"]
