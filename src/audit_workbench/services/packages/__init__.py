"""Offline audit packages (`.awp`): take cases to a laptop, bring the results back to the office.

An `.awp` file is a zip archive:

    manifest.json           format and version, package id and kind, who exported it and when, the
                            source and origin databases, each case with its rubric id and SHA-256, the
                            team members, and every other member with its SHA-256 and size
    signature.json          (return only) the exporting member's Ed25519 signature of manifest.json's
                            bytes — so of every member — with the key issued for each checkout
    cases/<case_no>.json    a checkout: the whole case; a return: every record the laptop scores with
                            its base (version and content at checkout) and its current content
                            (a checkout's organisation carries its stored search keys, name_pinyin and
                            name_initials: the laptop writes them when they fit the name, so it need
                            not load pypinyin's 55 MB of dictionaries; absent or not fitting: computed;
                            a laptop on a version before them refuses such a checkout, unknown fields)
    rubrics/<id>.yaml       the rubric file each case is pinned to (its hash is the case's rubric hash)
    team.json               (checkout only) each team member's name and signing key, sealed with the
                            member's one-time laptop code; the other people the records name
    attachments/<sha256>    material and evidence files, named by their content hash

The doors. Export and import are actions of the policy table (`export_checkout`, `import_checkout`,
`export_return`, `import_return`): a logged-in user the table allows, in the window as on the command
line; only the very first import, which makes a laptop database, has no one to ask.

Direction. A *checkout* (office → laptop) creates the cases, laptop accounts for their team and the
files on a laptop: a new database, or one made from the same office (`laptop:origin`); never an
office database. No office account travels: the laptop accounts exist only there, and each member's
first login uses the one-time code the office printed (`PackageSummary.laptop_codes`) and sets the
laptop password (packages.laptop). A *return* (laptop → office) carries case records only — scores,
notes, evidence, special items, nonconformities, document reviews and the conclusion — signed by the
member who exports it; the office checks the signature against the public keys it kept for that
checkout, and every base the return claims against what the checkout sent (packages.trust).

Identity. Records without a natural key (reviews, evidence, nonconformities, special items) travel
under the key they were first created with, `<type>:<database id>:<row id>`; each database keeps, per
case, the links from foreign keys to its own rows (a JSON setting `package:<case_no>`), so a record
keeps one identity however often it travels, and importing the same record twice never duplicates it.

Versions. The office records the version of every versioned row (case, score, nonconformity) at
checkout; the laptop keeps it and the content as the *base*. A return lists every record the laptop
scores with its base and its current content. A record the laptop changed applies only if the office
row is still at the base version (or at the version an earlier return from the same laptop left it
at; unversioned records compare content); otherwise nothing at all is applied and every conflict is
listed with the base, the office's value and the package's. The caller may settle conflicts one by one
(`resolve={conflict.id: "office" | "package"}`); a declined laptop value is remembered, so the next
return does not ask again. Returns are numbered per case and laptop: the same package twice, or an
older one after a newer, is refused; a newer one carrying what an older one brought duplicates nothing.

Safety. Every member is checked before anything is written: names inside the archive root (no `..`,
no absolute paths, no links), listed in the manifest with the right size and SHA-256, sizes capped
while streaming (zip bombs), the format version known, and every value validated with the audit rules
of `core.audit_rules` — the same functions the scoring services call — against the packaged rubric.
Attachments are staged in a folder beside the database (storage.staging; what a killed import left
there goes at the next start) and moved into the content-addressed store inside the transaction;
files this import created are removed again if it fails, and a database this import created is
deleted, so a refused import leaves no trace.

Each side appends its own events (`package.export`, `package.import` and one event per applied
change, by the user who imports, the laptop author kept in the record); no event is ever copied
between databases, so `log verify` holds on both.

The stages, each calling only those before it: `archive` (zip guards, manifest) → `wire` (the value
models) ← `validate` ← `plan` ← `apply`; `store` reads a case in package form, `laptop` and `trust`
are the two ends of the signing keys, `export` plans an export, and `operations` runs the three
operations.
"""

from ..rubrics import packaged_rubrics, rubric_registry_for
from .operations import export_package, import_package, inspect_package
from .results import (
    ImportResult,
    PackageCase,
    PackageChange,
    PackageConflict,
    PackageConflicts,
    PackagePreview,
    PackageSummary,
)
from .steps import CancelToken, ProgressFn
from .wire import COMPARE

__all__ = [
    "COMPARE",
    "CancelToken",
    "ImportResult",
    "PackageCase",
    "PackageChange",
    "PackageConflict",
    "PackageConflicts",
    "PackagePreview",
    "PackageSummary",
    "ProgressFn",
    "export_package",
    "import_package",
    "inspect_package",
    "packaged_rubrics",
    "rubric_registry_for",
]
