"""The floor of a process: what it imports and whether it checks a password, recorded once, then
replayed without our own code.

    python -m benchmarks.census OUT.json cli ARGS…     run `audit-workbench ARGS…` in this process
    python -m benchmarks.census OUT.json gui ARGS…     start the window (benchmarks.gui_probe) here

Either way OUT.json gets the modules the process had loaded when it finished, in the order they were
loaded, the classes its PySide6 modules had made by then, and how many argon2 password
verifications it made. `floor_code(census)` is the Python source of the floor: import exactly those
modules that are not ours (`audit_workbench.*`) and the same PySide6 classes, then verify one argon2
hash for each verification made. A command is then timed against
`python -c FLOOR` (issue 15: "a process importing exactly the modules that command loads, plus one
argon2 verification where the command logs in").
"""

from __future__ import annotations

# Nothing is imported here that a plain `python -c` start does not already have (os and sys): what
# the command imports must be told from what this module needs. json comes after the command.
import os
import sys

OURS = ("audit_workbench", "benchmarks", "__main__", "__mp_main__")
# Loaded by `python -m` itself, not by the command.
RUNNER = ("runpy",)


def _count_verifications() -> list[int]:
    """Count argon2 verifications, patching PasswordHasher.verify as argon2 is loaded (never import
    argon2 here: that would put it in the census of a command that does not use it)."""
    from _frozen_importlib_external import PathFinder  # loaded at every start

    calls = [0]

    class Hook:
        @staticmethod
        def find_spec(name, path=None, target=None):  # type: ignore[no-untyped-def]
            if name != "argon2._password_hasher":
                return None
            sys.meta_path.remove(Hook)  # type: ignore[arg-type]
            spec = PathFinder.find_spec(name, path)
            loader = spec.loader
            run = loader.exec_module

            def exec_module(module):  # type: ignore[no-untyped-def]
                run(module)
                original = module.PasswordHasher.verify

                def verify(self, *args, **kwargs):  # type: ignore[no-untyped-def]
                    calls[0] += 1
                    return original(self, *args, **kwargs)

                module.PasswordHasher.verify = verify

            loader.exec_module = exec_module
            return spec

    sys.meta_path.insert(0, Hook)  # type: ignore[arg-type]
    return calls


def _pyside_types() -> dict[str, list[str]]:
    """The classes each loaded PySide6 module has made so far. PySide6 (6.8 and later) makes a class,
    with all its enums, when its name is first imported or read, not when its module is imported
    (`PYSIDE6_OPTION_LAZY`): the Qt namespace's 94 enums take about 40 ms on CPython 3.11, and
    QStyle's about 15 ms. So importing the same modules is not the same library work: the floor
    also imports the same names."""
    made: dict[str, list[str]] = {}
    for name, module in list(sys.modules.items()):
        if name.startswith("PySide6.Qt") and module is not None:
            names = [key for key, value in vars(module).items() if isinstance(value, type)]
            if names:
                made[name] = names
    return made


def write(out: str, calls: list[int]) -> None:
    modules = [name for name in sys.modules if name not in RUNNER]
    pyside = _pyside_types()
    import json

    with open(out, "w", encoding="utf-8") as fh:
        json.dump({"modules": modules, "verifications": calls[0], "pyside_types": pyside}, fh)


def theirs(census: dict) -> list[str]:  # type: ignore[type-arg]
    """The modules of a census that are not ours."""
    return [m for m in census["modules"] if not m.startswith(OURS) and m.split(".")[0] not in OURS]


def floor_code(
    census: dict,  # type: ignore[type-arg]
    password_hash: str | None,
    *,
    tuned: bool = False,
    pyside_names: bool = True,
) -> str:
    """Python source: import the census's modules that are not ours, and from its PySide6 modules the
    classes it had made (`pyside_names`; see `_pyside_types`), verify the hash as often as the census
    did (the password in $AUDIT_WORKBENCH_PASSWORD).

    `tuned`: the same work done the way the program does it since 2026-12-05 (cli.run,
    storage.prelogin, core.startup): the argon2 check on a thread started before the imports, the
    cycle collector paused while they run and the heap frozen at the end (no last collection at
    exit). The row's ratio is against the plain floor, as issue 15 defines it; the tuned floor says
    how much of the way there is the program's own work."""
    names = theirs(census)
    checks = int(census["verifications"]) if password_hash else 0
    if tuned:
        lines = ["import gc, importlib, os, threading", "gc.disable()"]
        if checks:
            lines += [
                "from argon2 import PasswordHasher",
                "def _check():",
                "    hasher = PasswordHasher()",
                f"    for _ in range({checks}):",
                f"        hasher.verify({password_hash!r}, os.environ['AUDIT_WORKBENCH_PASSWORD'])",
                "_thread = threading.Thread(target=_check)",
                "_thread.start()",
            ]
    else:
        lines = ["import importlib, os"]
    lines += [
        f"for name in {names!r}:",
        "    try:",
        "        importlib.import_module(name)",
        "    except Exception:",
        "        pass",
    ]
    types = census.get("pyside_types", {}) if pyside_names else {}
    if types:
        lines += [
            f"for module, names in {types!r}.items():",
            "    for name in names:",
            "        getattr(importlib.import_module(module), name, None)",
        ]
    if tuned:
        lines += ["_thread.join()"] if checks else []
        lines += ["gc.freeze()"]
    elif checks:
        lines += [
            "from argon2 import PasswordHasher",
            "hasher = PasswordHasher()",
            f"for _ in range({checks}):",
            f"    hasher.verify({password_hash!r}, os.environ['AUDIT_WORKBENCH_PASSWORD'])",
        ]
    return "\n".join(lines)


def main() -> None:
    out, mode, rest = sys.argv[1], sys.argv[2], sys.argv[3:]
    calls = _count_verifications()
    if mode == "cli":
        from audit_workbench.cli import main as cli

        sys.stdout = open(os.devnull, "w")  # noqa: SIM115
        code = cli(rest)
        write(out, calls)
        os._exit(code)
    from . import gui_probe

    gui_probe.ON_PAINTED.append(lambda: write(out, calls))
    sys.argv = [sys.argv[0], *rest]
    gui_probe.main()


if __name__ == "__main__":
    main()
