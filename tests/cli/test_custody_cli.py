"""Through the command line: no database made by accident, no output over the database or a file
unasked, the key-custody and log commands — and each bad input answered in one clear line (Chinese
with --lang zh) that leaves the database byte-identical."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from audit_workbench.cli import main
from audit_workbench.services import Services

from ..conftest import FAST_HASHER, PASSWORD, CaseMaker, Team, dump

pytestmark = pytest.mark.sqlite_only

PASSPHRASE = "a passphrase long enough for a key"


class Run:
    def __init__(self, db: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
        self.db, self.capsys, self.monkeypatch = db, capsys, monkeypatch

    # every command but the public ones logs in: the clerk reads unless a test says who acts
    def __call__(self, *args: str, user: str | None = "clerk", lang: str = "en") -> tuple[int, str, str]:
        self.capsys.readouterr()
        self.monkeypatch.setenv("AUDIT_WORKBENCH_PASSWORD", PASSWORD)
        argv = ["--db", str(self.db), "--lang", lang, *(["--user", user] if user else []), *args]
        code = main(argv)
        out, err = self.capsys.readouterr()
        return code, out, err

    def refused(self, *args: str, user: str | None = "clerk", lang: str = "en") -> str:
        before = dump(self.db) if self.db.exists() else None
        raw = self.db.read_bytes() if self.db.exists() else None
        code, out, err = self(*args, user=user, lang=lang)
        assert code == 2, f"{args} should be refused, exited {code}: {out}{err}"
        lines = [line for line in err.strip().splitlines() if line]
        assert len(lines) == 1, f"one clear line, not {lines}"
        if before is not None:
            assert dump(self.db) == before and self.db.read_bytes() == raw, (
                f"refused {args} changed the database"
            )
        return lines[0]


@pytest.fixture
def run(
    services: Services,
    team: Team,
    make_case: CaseMaker,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> Iterator[Run]:
    run = Run(Path(str(services.db.url).removeprefix("sqlite:///")), capsys, monkeypatch)
    run.case_no = make_case("certified")  # type: ignore[attr-defined]
    run.number = services.cases.get(run.case_no).certificate.number  # type: ignore[attr-defined, union-attr]
    services.close()
    yield run


def _files(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


# -- no database made by accident -----------------------------------------------------------------


@pytest.mark.parametrize(
    "args",
    [
        ("case", "list"),
        ("log", "verify"),
        ("log", "anchor"),
        ("keys", "list"),
        ("certificate", "list"),
        ("setting", "list"),
        ("keys", "export-public", "-o", "body.pem"),
    ],
)
def test_a_missing_database_is_refused_and_named(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, args: tuple[str, ...]
) -> None:
    monkeypatch.chdir(tmp_path)
    run = Run(tmp_path / "typo.sqlite3", capsys, monkeypatch)
    line = run.refused(*args)
    assert str(tmp_path / "typo.sqlite3") in line and "there is no database" in line
    assert "数据库" in run.refused(*args, lang="zh") and str(tmp_path / "typo.sqlite3") in run.refused(
        *args, lang="zh"
    )
    assert _files(tmp_path) == []  # no database, no -wal, no -shm, no output


def test_a_refused_init_leaves_nothing_behind(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    keys = tmp_path / "keys"
    monkeypatch.setenv("AUDIT_WORKBENCH_KEYS_DIR", str(keys))
    db = tmp_path / "new.sqlite3"
    monkeypatch.delenv("AUDIT_WORKBENCH_PASSWORD", raising=False)
    monkeypatch.delenv("AUDIT_WORKBENCH_NEW_PASSWORD", raising=False)
    assert main(["--db", str(db), "init", "--admin", "admin"]) == 2  # no password given
    monkeypatch.setenv("AUDIT_WORKBENCH_NEW_PASSWORD", "short")
    assert main(["--db", str(db), "init", "--admin", "admin"]) == 2  # a password too short
    monkeypatch.setenv("AUDIT_WORKBENCH_NEW_PASSWORD", PASSWORD)
    assert main(["--db", str(db), "init", "--admin", "bad name!"]) == 2
    assert _files(tmp_path) == [] or _files(tmp_path) == ["keys"]
    assert not keys.exists() or _files(keys) == []
    # the retry works, and a second init names the file it refuses
    assert main(["--db", str(db), "init", "--admin", "admin"]) == 0
    assert _files(tmp_path) == ["keys", "new.sqlite3"] and len(_files(keys)) == 1
    capsys.readouterr()
    assert main(["--db", str(db), "init", "--admin", "admin"]) == 2
    assert str(db) in capsys.readouterr().err


def test_init_fills_a_database_left_empty_by_an_earlier_version(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = tmp_path / "left.sqlite3"
    Services.open(
        db, hasher=FAST_HASHER
    ).close()  # tables, no user, no event: what a refused init used to leave
    monkeypatch.setenv("AUDIT_WORKBENCH_NEW_PASSWORD", PASSWORD)
    assert main(["--db", str(db), "init", "--admin", "admin"]) == 0
    s = Services.open(db, hasher=FAST_HASHER)
    try:
        assert s.users.login("admin", PASSWORD).name == "admin" and len(s.keys.list()) == 1
    finally:
        s.close()


# -- outputs --------------------------------------------------------------------------------------


def test_no_output_option_ever_writes_over_the_database(run: Run, tmp_path: Path) -> None:
    db = run.db
    attachments = db.with_name(db.name + ".attachments")
    links = {}
    for suffix in (".pdf", ".csv", ".xlsx", ".awp", ".awb", ".pem"):
        links[suffix] = tmp_path / f"link{suffix}"
        links[suffix].symlink_to(db)
    commands = [
        ("clerk", "certificate", "pdf", run.number, "-o", "{pdf}"),  # type: ignore[attr-defined]
        ("clerk", "report", run.case_no, "-o", "{pdf}"),  # type: ignore[attr-defined]
        ("leader", "sheet", "export", run.case_no, "-o", "{xlsx}"),  # type: ignore[attr-defined]
        ("clerk", "register", "export", "-o", "{csv}"),
        (None, "keys", "export-public", "-o", "{pem}"),
        ("admin", "keys", "backup", "-o", "{pem}"),
        ("admin", "backup", "-o", "{awb}"),
        ("clerk", "package", "export", run.case_no, "-o", "{awp}"),  # type: ignore[attr-defined]
    ]
    os.environ["AUDIT_WORKBENCH_KEY_PASSPHRASE"] = PASSPHRASE
    try:
        for user, *args in commands:
            for target in ("link", "db"):
                for force in ([], ["--force"]):
                    argv = [
                        a.format(
                            **{k[1:]: (str(v) if target == "link" else str(db)) for k, v in links.items()}
                        )
                        for a in args
                    ]
                    line = run.refused(*argv, *force, user=user)
                    if target == "link":
                        assert "nothing was written" in line, (argv, line)
        line = run.refused("certificate", "print-batch", "-o", str(attachments), "--force")
        assert "attachments folder" in line
    finally:
        del os.environ["AUDIT_WORKBENCH_KEY_PASSPHRASE"]
    assert run("log", "verify")[0] == 0


def test_an_existing_file_is_replaced_only_with_force(run: Run, tmp_path: Path) -> None:
    out = tmp_path / "证书.pdf"
    out.write_bytes(b"an earlier certificate")
    line = run.refused("certificate", "pdf", run.number, "-o", str(out))  # type: ignore[attr-defined]
    assert "already exists" in line and "--force" in line and out.read_bytes() == b"an earlier certificate"
    assert "已存在" in run.refused("certificate", "pdf", run.number, "-o", str(out), lang="zh")  # type: ignore[attr-defined]
    code, _, err = run("certificate", "pdf", run.number, "-o", str(out), "--force")  # type: ignore[attr-defined]
    assert code == 0, err
    assert out.read_bytes().startswith(b"%PDF")


# -- keys and the log -----------------------------------------------------------------------------


def test_key_custody_and_log_commands(run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AUDIT_WORKBENCH_KEY_PASSPHRASE", PASSPHRASE)
    key_file = tmp_path / "key.pem"
    code, out, err = run("--json", "keys", "backup", "-o", str(key_file), user="admin")
    assert code == 0, err
    fingerprint = json.loads(out)["fingerprint"]
    code, out, _ = run("--json", "log", "anchor")
    anchor = json.loads(out)["anchor"]
    code, out, err = run("log", "checkpoint", user="clerk")
    assert code == 0 and "signed checkpoint" in out, err
    assert "只有" in run.refused("log", "checkpoint", user="leader", lang="zh")
    code, out, _ = run("log", "verify", "--anchor", anchor)
    assert code == 0 and "is in the log" in out
    code, out, _ = run("--json", "log", "verify")
    assert json.loads(out)["checkpoints"] == 2
    # an anchor that is not in the log: one clear line, exit 2, in Chinese on request
    code, out, err = run("log", "verify", "--anchor", f"{anchor.split(':')[0]}:{'ab' * 32}", lang="zh")
    assert code == 2 and "不在此日志中" in out and len(out.strip().splitlines()) == 1
    assert "SEQ:HASH" in run.refused("log", "verify", "--anchor", "yesterday")
    # the public keys: the current one, or all of them
    pem = tmp_path / "body.pem"
    assert run("keys", "export-public", "-o", str(pem))[0] == 0
    code, out, _ = run("log", "verify", "--public-key", str(pem))
    assert code == 0 and "the keys you gave" in out
    # a wrong passphrase, a key of another database: one line each, in Chinese with --lang zh
    monkeypatch.setenv("AUDIT_WORKBENCH_KEY_PASSPHRASE", "not the right passphrase")
    assert "口令错误" in run.refused("keys", "restore", str(key_file), user="admin", lang="zh")
    other_db = tmp_path / "other.sqlite3"
    monkeypatch.setenv("AUDIT_WORKBENCH_NEW_PASSWORD", PASSWORD)
    assert main(["--db", str(other_db), "init", "--admin", "admin"]) == 0
    monkeypatch.setenv("AUDIT_WORKBENCH_KEY_PASSPHRASE", PASSPHRASE)
    foreign = tmp_path / "foreign.pem"
    assert main(["--db", str(other_db), "--user", "admin", "keys", "backup", "-o", str(foreign)]) == 0
    line = run.refused("keys", "restore", str(foreign), user="admin", lang="zh")
    assert "不是本数据库的密钥" in line and fingerprint in line
    code, out, err = run("keys", "restore", str(key_file), user="admin")
    assert code == 0 and "already installed" in out, err
    code, out, err = run("keys", "rotate", "--reason", "年度更换", user="admin")
    assert code == 0 and "new signing key" in out, err
    code, out, _ = run("--json", "keys", "list")
    assert [k["current"] for k in json.loads(out)] == [False, True]
    assert run("keys", "export-public", "--all", "-o", str(tmp_path / "all.pem"))[0] == 0
    assert (tmp_path / "all.pem").read_bytes().count(b"BEGIN PUBLIC KEY") == 2
    assert run("certificate", "verify", run.case_no)[0] in (0, 2)  # type: ignore[attr-defined]


def test_backup_and_restore_by_command(run: Run, tmp_path: Path) -> None:
    out = tmp_path / "b.awb"
    code, text, err = run("backup", "-o", str(out), user="admin")
    assert code == 0, err
    assert "keys backup" in text and "log anchor" in text
    assert "签名密钥不在此备份中" in run("backup", "-o", str(tmp_path / "c.awb"), user="admin", lang="zh")[1]
    restored = tmp_path / "restored.sqlite3"
    line = Run(restored, run.capsys, run.monkeypatch).refused("restore", str(out))
    assert "--trust-signer" in line and not restored.exists()
    pem = tmp_path / "body.pem"
    assert run("keys", "export-public", "-o", str(pem))[0] == 0
    code, text, err = Run(restored, run.capsys, run.monkeypatch)(
        "restore", str(out), "--public-key", str(pem)
    )
    assert code == 0 and "verified" in text, err
    # replacing the live database: only with --force and an administrator's login of it
    assert "--force" in run.refused("restore", str(out))
    assert "--user" in run.refused("restore", str(out), "--force", user=None)
    assert "only" in run.refused("restore", str(out), "--force", user="clerk")
    code, text, err = run("restore", str(out), "--force", user="admin")
    assert code == 0 and "kept whole" in text, err
