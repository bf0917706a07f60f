"""The composition of the services over one database, and the transaction every use case runs in."""

from __future__ import annotations

import importlib
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from argon2 import PasswordHasher
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from ..core.audit_time import AuditTimeTable, load_audit_time_table
from ..core.certchanges import ChangeKinds, load_change_kinds
from ..core.datafiles import resources_dir
from ..core.errors import Conflict, NotFound, Refused
from ..core.materials import MaterialsChecklist, load_materials
from ..core.people import DeclarationText, IdType, load_declaration_text, load_id_types
from ..core.policy import Role
from ..core.workdays import WorkCalendar, load_calendar
from ..storage import events, prelogin
from ..storage.db import Database, open_database
from ..storage.models import User, load_detail_models

if TYPE_CHECKING:  # the areas are imported when first used (the window starts faster)
    from ..core.rubric import RubricRegistry  # with the first rubric (pydantic too)
    from .audits import AuditService
    from .cases import CaseService
    from .certificates import CertificateService
    from .changes import ChangeService
    from .cnca import CncaService
    from .committee import CommitteeService
    from .complaints import ComplaintService
    from .dashboard import DashboardService
    from .documents import DocumentService
    from .grants import GrantService
    from .impartiality import ImpartialityService
    from .keys import KeyService
    from .log import LogService
    from .organizations import OrganizationService
    from .outputs import OutputGuard
    from .people import PeopleService
    from .settings import SettingsService
    from .users import UserService
from ..storage.retention import MESSAGE as RETENTION_MESSAGE
from .checks import stored_roles


@dataclass(frozen=True)
class Actor:
    """A logged-in user. Roles are re-read from the store at every call; these are for display."""

    id: int
    name: str
    display_name: str
    roles: frozenset[Role]

    def has(self, role: Role) -> bool:
        return role in self.roles


SYSTEM = Actor(id=0, name="system", display_name="system", roles=frozenset())

# How long a use case waits for another program's write to end before it says the database is busy.
BUSY_SECONDS = 5.0


def strong_hasher() -> PasswordHasher:
    """The password hasher of the program: argon2id with its library's recommended parameters. The
    caller may inject another (tests pass a cheap one); stored hashes are only ever re-hashed upward."""
    return PasswordHasher()


def busy_refusal() -> Refused:
    return Refused(
        "database_busy",
        "the database is busy: another program is writing to it; nothing was changed, try again shortly",
        "数据库正忙：另一程序正在写入；未做任何更改，请稍后重试",
    )


def is_busy(exc: BaseException) -> bool:
    """Whether a database error means another connection holds the lock we waited for (SQLite's
    "database is locked", PostgreSQL's lock_timeout)."""
    if not isinstance(exc, OperationalError):
        return False
    orig = exc.orig
    if getattr(orig, "sqlstate", None) == "55P03":  # PostgreSQL lock_not_available
        return True
    text = str(orig).lower()
    return "database is locked" in text or "database is busy" in text or "lock timeout" in text


class Tx:
    """One use case's transaction: the session, the acting user and the event recorder."""

    def __init__(self, services: Services, session: Session, actor: Actor) -> None:
        self.services = services
        self.session = session
        self.actor = actor
        self.now = services.now()

    def roles(self) -> frozenset[Role]:
        if self.actor.id == 0:
            return frozenset()
        user = self.session.get(User, self.actor.id)
        return self.stored_roles(None if user is None else user.roles, user is not None and user.active)

    def stored_roles(self, roles: str | None, active: bool) -> frozenset[Role]:
        """The actor's roles from their user row as the caller read it (`roles` None: no such user)."""
        if self.actor.id == 0:
            return frozenset()
        return stored_roles(self.actor.name, roles, active)

    def record(
        self,
        action: str,
        entity: str,
        entity_id: object,
        before: Any = None,
        after: Any = None,
        reason: str = "",
    ) -> None:
        events.append(
            self.session,
            at=self.now,
            user_name=self.actor.name,
            action=action,
            entity=entity,
            entity_id=entity_id,
            before=before,
            after=after,
            reason=reason,
        )


class Services:
    """All use cases over one database. Build one per process (or per test)."""

    def __init__(
        self,
        database: Database,
        *,
        rubrics: RubricRegistry | None = None,
        clock: Callable[[], datetime] | None = None,
        hasher: PasswordHasher | None = None,
    ) -> None:
        self.db = database
        self._rubrics = rubrics
        self._clock = clock or (lambda: datetime.now(UTC))
        # Password-hash cost is the caller's choice (the composition root's); never an environment switch.
        self.hasher = hasher if hasher is not None else strong_hasher()
        self._rehearsing = threading.local()

    @property
    def rubrics(self) -> RubricRegistry:
        """The rubrics (installed, and those packages brought in), loaded when first needed: reading
        and validating them is work a command that lists or shows cases need not do."""
        if self._rubrics is None:
            from .rubrics import registry_for

            self._rubrics = registry_for(self.db)
        return self._rubrics

    @rubrics.setter
    def rubrics(self, registry: RubricRegistry) -> None:
        self._rubrics = registry

    @classmethod
    def open(
        cls, db: str | Path | None = None, *, busy_seconds: float = BUSY_SECONDS, **kwargs: Any
    ) -> Services:
        """The services over the database at `db` (opened, migrated), at the start of the program:
        staging folders that killed imports left beside it are removed first. A write waits at most
        `busy_seconds` for another program's write to end, then is refused as busy."""
        from ..storage.staging import staging_root, sweep

        sweep(staging_root(db))
        return cls(open_database(db, busy_seconds=busy_seconds), **kwargs)

    def close(self) -> None:
        self.db.dispose()

    @staticmethod
    def prepare_in_background(names: Sequence[str]) -> None:
        """Import the modules of the services `names` (this package's NAME.py; "rubrics" also reads
        and validates the installed rubric files) on a daemon thread, while a password is checked:
        argon2 runs in C without the GIL, so on a second core this work is done by the time the login
        returns (the dashboard's modules are about 0.1 s, a case's rubric 10-20 ms). Nothing depends
        on it: whoever needs a module imports it again (at once if done, waiting on the import lock if
        under way, raising there if the import fails)."""
        if not names or prelogin.answered():
            return  # the password was checked while the program loaded: no wait left to use

        def run() -> None:
            try:
                for name in names:
                    if name == "rubrics":
                        from ..core.rubric import installed_registry

                        installed_registry()
                    else:
                        importlib.import_module(f"{__package__}.{name}")
            except Exception:  # reported where the module or the rubrics are needed
                return

        threading.Thread(target=run, name="prepare-services", daemon=True).start()

    @staticmethod
    def prepare_detail_models() -> None:
        """Declare the detail records' models now (storage.detail_models: a case's materials, scores,
        votes, ...; about 90 ms of Python), not when the first case is opened. No start page needs
        them; the window calls this on its database worker after its first page has painted. A
        failure is left to whoever needs them, who imports them again and reports it there."""
        try:
            load_detail_models()
        except Exception:
            return

    def now(self) -> datetime:
        return self._clock()

    def today(self) -> date:
        return self.now().date()

    @cached_property
    def materials(self) -> MaterialsChecklist:
        return load_materials(resources_dir() / "materials.yaml")

    @cached_property
    def audit_time(self) -> AuditTimeTable:
        return load_audit_time_table(resources_dir() / "audit-time.yaml")

    @cached_property
    def id_types(self) -> dict[str, IdType]:
        return load_id_types(resources_dir() / "id-types.yaml")

    @cached_property
    def declaration_text(self) -> DeclarationText:
        return load_declaration_text(resources_dir() / "impartiality-declaration.yaml")

    @cached_property
    def change_kinds(self) -> ChangeKinds:
        return load_change_kinds(resources_dir() / "certificate-changes.yaml")

    @cached_property
    def work_calendar(self) -> WorkCalendar:
        """Working days as the shipped calendar file has them (the complaints service adds the body's
        own dates from the settings)."""
        return load_calendar(resources_dir() / "working-days.yaml")

    @contextmanager
    def tx(self, actor: Actor) -> Iterator[Tx]:
        """A write transaction; any exception rolls everything back (inside `rehearsal()`, everything
        is rolled back anyway)."""
        opener = self.db.rehearsal if getattr(self._rehearsing, "on", False) else self.db.transaction
        try:
            with opener() as session:
                yield Tx(self, session, actor)
        except StaleDataError:
            raise Conflict("the record", "该记录") from None
        except IntegrityError as exc:
            if RETENTION_MESSAGE in str(exc.orig):
                raise Refused(
                    "retained",
                    "a record of a certification inside its retention period cannot be deleted "
                    "(setting retention_years after the certificate's expiry or the decision); nothing was changed",
                    "认证记录在保存期限内（证书到期或作出决定后 retention_years 年）不得删除，未做任何更改",
                ) from None
            raise Refused(
                "integrity",
                f"the change conflicts with stored data ({exc.orig})",
                "该修改与已存数据冲突（可能已有相同编号或名称），未做任何更改",
            ) from None
        except OperationalError as exc:
            if is_busy(exc):
                raise busy_refusal() from None
            raise

    @contextmanager
    def rehearsal(self) -> Iterator[None]:
        """Run use cases in this thread without keeping anything they write: each transaction is
        rolled back at its end. What a call returns is what it would have done — the certificate an
        issue would write, shown for confirmation before the real issue."""
        self._rehearsing.on = True
        try:
            yield
        finally:
            self._rehearsing.on = False

    @contextmanager
    def read(self) -> Iterator[Session]:
        with self.db.reading() as session:
            yield session

    @contextmanager
    def read_as(self, actor: Actor) -> Iterator[Tx]:
        """A read for `actor` (whose stored roles decide what they may see): no write lock taken,
        nothing recorded."""
        with self.db.reading() as session:
            yield Tx(self, session, actor)

    # -- the use-case areas ---------------------------------------------------------------------
    @cached_property
    def users(self) -> UserService:
        from .users import UserService

        return UserService(self)

    @cached_property
    def grants(self) -> GrantService:
        from .grants import GrantService

        return GrantService(self)

    @cached_property
    def settings(self) -> SettingsService:
        from .settings import SettingsService

        return SettingsService(self)

    @cached_property
    def cases(self) -> CaseService:
        from .cases import CaseService

        return CaseService(self)

    @cached_property
    def organizations(self) -> OrganizationService:
        from .organizations import OrganizationService

        return OrganizationService(self)

    @cached_property
    def audits(self) -> AuditService:
        from .audits import AuditService

        return AuditService(self)

    @cached_property
    def committee(self) -> CommitteeService:
        from .committee import CommitteeService

        return CommitteeService(self)

    @cached_property
    def certificates(self) -> CertificateService:
        from .certificates import CertificateService

        return CertificateService(self)

    @cached_property
    def dashboard(self) -> DashboardService:
        from .dashboard import DashboardService

        return DashboardService(self)

    @cached_property
    def documents(self) -> DocumentService:
        from .documents import DocumentService

        return DocumentService(self)

    @cached_property
    def people(self) -> PeopleService:
        from .people import PeopleService

        return PeopleService(self)

    @cached_property
    def impartiality(self) -> ImpartialityService:
        from .impartiality import ImpartialityService

        return ImpartialityService(self)

    @cached_property
    def complaints(self) -> ComplaintService:
        from .complaints import ComplaintService

        return ComplaintService(self)

    @cached_property
    def changes(self) -> ChangeService:
        from .changes import ChangeService

        return ChangeService(self)

    @cached_property
    def log(self) -> LogService:
        from .log import LogService

        return LogService(self)

    @cached_property
    def keys(self) -> KeyService:
        from .keys import KeyService

        return KeyService(self)

    @cached_property
    def cnca(self) -> CncaService:
        from .cnca import CncaService

        return CncaService(self)

    @cached_property
    def outputs(self) -> OutputGuard:
        """The guard every output file goes through (never the database, never a file unasked)."""
        from .outputs import OutputGuard

        return OutputGuard.for_database(self.db)


def not_found(what: str, key: object, zh: str) -> NotFound:
    return NotFound(what, key, zh)


# -- where the database is, for the window's start-up (the UI may not import storage) -------------


def database_location(db: str | Path | None) -> str:
    """The path (for SQLite) or URL of the database `--db` names, its password masked; None means
    the default file."""
    from ..storage.db import display_url

    return display_url(db)


def database_exists(db: str | Path | None) -> bool:
    from ..storage.db import exists

    return exists(db)


def default_database() -> Path:
    from ..storage.db import default_database_path

    return default_database_path()
