"""Reading and verifying the audit trail; its anchors and signed checkpoints.

The hash chain (storage/events.py) shows that no event was altered, removed or reordered — by anyone
who could not recompute it. Whoever can write the database file can recompute it, so two things tie
the log to something outside the file:

- **Anchors.** The head of the log, `SEQ:HASH`, is printed on every backup manifest, audit report and
  register export and by `log anchor`. `log verify --anchor SEQ:HASH` proves the log still holds that
  head: an anchor written down last month catches any rewrite of the log before it.
- **Signed checkpoints.** Each certificate issue (and `log checkpoint`) appends a `log.checkpoint`
  event that the body's key signs: the head it follows and the first 8 hex digits of the hash of each
  event since the previous checkpoint (at most `MAX_LISTED`). Rewriting an event before a checkpoint
  therefore needs the private key, which a copy of the database does not have; `log verify` checks
  each checkpoint against the body's public keys (or keys the verifier trusts, `--public-key`) and
  names the first event that no longer matches what was signed.

It also notices records whose events are gone: a certificate without its issue event, a signing key
without the event that made it, the last checkpoint, or a log emptied under a database full of records.
"""

from __future__ import annotations

import json
import re
from collections import deque
from dataclasses import dataclass, field
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..core import certsig
from ..core.errors import Refused
from ..core.policy import Action, require
from ..storage import events
from ..storage import models as m
from ..storage.events import EventRow, Head, Stop
from .base import Actor, Services, Tx
from .keys import DATABASE_ID_KEY, put_setting, read_setting

CHECKPOINT_ACTION = "log.checkpoint"
CHECKPOINT_TYPE = "audit-workbench/log-checkpoint/1"
LAST_CHECKPOINT_KEY = "log_last_checkpoint"
PREFIX = 8  # hex digits of each event hash listed in a checkpoint
MAX_LISTED = 50_000  # events listed per checkpoint; the signed head still covers the whole log
KEY_ACTIONS = ("keys.generate", "keys.rotate", "keys.recover")
_ANCHOR = re.compile(r"^\s*(\d{1,18})\s*:\s*([0-9a-fA-F]{64})\s*$")


@dataclass(frozen=True)
class EventView:
    seq: int
    at: str
    user_name: str
    action: str
    entity: str
    entity_id: str
    before: Any
    after: Any
    reason: str


def format_anchor(head: Head) -> str:
    return f"{head.seq}:{head.hash}"


def parse_anchor(text: str) -> Head:
    """`SEQ:HASH` (as `log anchor` prints it) or a refusal saying what an anchor looks like."""
    match = _ANCHOR.match(text or "")
    if match is None or int(match.group(1)) < 1:
        raise Refused(
            "bad_anchor",
            f"{text!r} is not an anchor: it reads SEQ:HASH, an event number, a colon and 64 hex digits "
            "(as `log anchor` prints it)",
            f"{text!r} 不是日志锚点：格式为 序号:哈希（事件序号、冒号和 64 位十六进制数，如 log anchor 所示）",
        )
    return Head(int(match.group(1)), match.group(2).lower())


def checkpoint_message(after: dict[str, Any]) -> bytes:
    """The bytes a checkpoint's signature covers: everything in it but the signature."""
    signed = {
        "type": CHECKPOINT_TYPE,
        "database": after["database"],
        "first": after["first"],
        "seq": after["seq"],
        "hash": after["hash"],
        "hashes": after["hashes"],
        "key": after["key"],
    }
    return events.canonical(signed).encode("utf-8")


@dataclass(frozen=True)
class LogReport:
    """What `log verify` found. `problem` is English (stable for scripts), `problem_zh` Chinese."""

    ok: bool
    events: int
    first_bad_seq: int | None
    problem: str
    problem_zh: str = ""
    head: str | None = None  # SEQ:HASH of the last event
    checkpoints: int = 0  # signed checkpoints verified
    last_checkpoint: int | None = None  # the event number of the last one
    signers: tuple[str, ...] = ()  # fingerprints of the keys that signed them
    anchor: str | None = None  # the anchor proved to be in the log
    trusted_keys: bool = False  # checked against keys given by the verifier, not the database's own

    def describe(self, lang: str | None = None) -> str:
        from ..core.errors import language

        zh = (lang or language()) == "zh"
        if not self.ok:
            if zh:
                return f"事件日志在第 {self.first_bad_seq} 条事件处被破坏：{self.problem_zh or self.problem}"
            return f"event log broken at event {self.first_bad_seq}: {self.problem}"
        if zh:
            text = f"事件日志完好：{self.events} 条事件，哈希链已验证"
            if self.checkpoints:
                keys = "、".join(self.signers)
                source = "您提供的公钥" if self.trusted_keys else "本机构的公钥"
                text += f"；{self.checkpoints} 个签名检查点已用{source}验证（最后一个为第 {self.last_checkpoint} 条，密钥 {keys}）"
            else:
                text += "；尚无签名检查点"
            if self.anchor:
                text += f"；锚点 {self.anchor[:24]}… 在日志中"
            return text
        text = f"event log intact: {self.events} events, hash chain verified"
        if self.checkpoints:
            source = "the keys you gave" if self.trusted_keys else "the body's public keys"
            text += (
                f"; {self.checkpoints} signed checkpoint(s) verified with {source} "
                f"(last at event {self.last_checkpoint}, key {', '.join(self.signers)})"
            )
        else:
            text += "; no signed checkpoint yet"
        if self.anchor:
            text += f"; anchor {self.anchor[:24]}… is in the log"
        return text


_CHAIN_ZH = {
    "missing": "第 {seq} 条事件缺失",
    "order": "它与前一条事件不相接（被调换顺序或有事件被删除）",
    "altered": "其内容被改动",
    "truncated": "日志末尾的事件被删除",
    "no_head": "日志头记录缺失",
}


class _Broken(Exception):
    def __init__(self, seq: int, en: str, zh: str) -> None:
        super().__init__(en)
        self.seq, self.en, self.zh = seq, en, zh


@dataclass
class _Walk:
    """Follows the chain event by event: checks each signed checkpoint and the anchor."""

    keys: dict[str, Ed25519PublicKey]
    database_id: str | None
    anchor: Head | None
    trusted: bool = False  # the keys are the verifier's own, not the database's
    window: deque[tuple[int, str]] = field(default_factory=lambda: deque(maxlen=MAX_LISTED + 1))
    introduced: dict[str, int] = field(default_factory=dict)  # key fingerprint -> event that made it
    retired: dict[str, int] = field(default_factory=dict)  # key fingerprint -> event that retired it
    checkpoints: int = 0
    last_checkpoint: int | None = None
    signers: list[str] = field(default_factory=list)
    issued: set[str] = field(default_factory=set)  # certificate numbers with an issue event
    zh: str = ""

    def held(self, seq: int) -> str | None:
        """The hash of event `seq` if it is in the window (the events are contiguous)."""
        if not self.window:
            return None
        index = seq - self.window[0][0]
        if 0 <= index < len(self.window):
            return self.window[index][1]
        return None

    def stop(self, seq: int, en: str, zh: str) -> Stop:
        self.zh = zh
        return Stop(seq, en, "checkpoint")

    def observe(self, event: EventRow) -> None:
        if self.anchor is not None and event.seq == self.anchor.seq and event.hash != self.anchor.hash:
            self.zh = (
                f"锚点 {format_anchor(self.anchor)[:24]}… 不在此日志中：第 {event.seq} 条事件的哈希已变为 "
                f"{event.hash[:16]}…，日志在此之前或此处被改写"
            )
            raise Stop(
                event.seq,
                f"the anchor {format_anchor(self.anchor)[:24]}… is not in this log: event {event.seq} now "
                f"hashes to {event.hash[:16]}…, so the log was rewritten at or before it",
                "anchor",
            )
        if event.action in KEY_ACTIONS:
            after, before = _json(event.after), _json(event.before)
            if isinstance(after, dict) and isinstance(after.get("fingerprint"), str):
                self.introduced.setdefault(after["fingerprint"], event.seq)
            if isinstance(before, dict) and isinstance(before.get("fingerprint"), str):
                self.retired.setdefault(before["fingerprint"], event.seq)
        if event.action == "certificate.issue":
            self.issued.add(event.entity_id)
        if event.action == CHECKPOINT_ACTION:
            self.check_checkpoint(event)
        self.window.append((event.seq, event.hash))

    def check_checkpoint(self, event: EventRow) -> None:
        c = event.seq
        after = _json(event.after)
        fields = {
            "database": str,
            "first": int,
            "seq": int,
            "hash": str,
            "hashes": str,
            "key": str,
            "signature": str,
        }
        if not isinstance(after, dict) or any(not isinstance(after.get(k), t) for k, t in fields.items()):
            raise self.stop(c, f"checkpoint event {c} is malformed", f"第 {c} 条检查点事件格式错误")
        first, seq, fingerprint = after["first"], after["seq"], after["key"]
        if not 1 <= first <= seq or len(after["hashes"]) != PREFIX * (seq - first + 1):
            raise self.stop(c, f"checkpoint event {c} is malformed", f"第 {c} 条检查点事件格式错误")
        key = self.keys.get(fingerprint)
        if key is None:
            if self.trusted:
                raise self.stop(
                    c,
                    f"checkpoint event {c} was signed by key {fingerprint[:19]}…, which is not among the keys "
                    "you gave (`keys export-public --all` writes every key the body has used)",
                    f"第 {c} 条检查点由密钥 {fingerprint[:19]}… 签署，不在您提供的公钥中"
                    "（`keys export-public --all` 可导出机构用过的全部公钥）",
                )
            raise self.stop(
                c,
                f"checkpoint event {c} was signed by key {fingerprint[:19]}…, which is not one of the body's keys",
                f"第 {c} 条检查点由密钥 {fingerprint[:19]}… 签署，它不是本机构的密钥",
            )
        if not certsig.detached_valid(key, checkpoint_message(after), after["signature"]):
            raise self.stop(
                c,
                f"the signature of checkpoint event {c} does not verify: the checkpoint was forged or altered",
                f"第 {c} 条检查点的签名验证失败：检查点被伪造或改动",
            )
        if self.database_id is not None and after["database"] != self.database_id:
            raise self.stop(
                c,
                f"checkpoint event {c} was signed for another database ({after['database']})",
                f"第 {c} 条检查点属于另一个数据库（{after['database']}）",
            )
        made, gone = self.introduced.get(fingerprint), self.retired.get(fingerprint)
        if made is None or made >= c or (gone is not None and gone < c):
            raise self.stop(
                c,
                f"checkpoint event {c} was signed by key {fingerprint[:19]}…, which was not the body's key at "
                "that point of the log",
                f"第 {c} 条检查点的签名密钥 {fingerprint[:19]}… 当时并非机构的有效密钥",
            )
        listed = after["hashes"]
        for n, s in enumerate(range(first, seq + 1)):
            actual = self.held(s)
            if actual is None:
                continue  # older than the window, or past the end: the head check below decides
            if actual[:PREFIX] != listed[n * PREFIX : (n + 1) * PREFIX].lower():
                raise self.stop(
                    s,
                    f"event {s} was changed after checkpoint event {c} signed it (rewritten, inserted or "
                    "removed, and the hash chain recomputed)",
                    f"第 {s} 条事件在第 {c} 条检查点签署后被改动（改写、插入或删除，并重算了哈希链）",
                )
        if seq != c - 1:
            raise self.stop(
                min(seq, c - 1) + 1,
                f"checkpoint event {c} signed event {seq} as the head of the log: events after it were "
                "inserted or removed",
                f"第 {c} 条检查点签署的日志头是第 {seq} 条事件：其后有事件被插入或删除",
            )
        if self.held(seq) != after["hash"]:
            raise self.stop(
                first,
                f"an event at or before event {seq} was changed after checkpoint event {c} signed the log",
                f"第 {seq} 条及之前的某条事件在第 {c} 条检查点签署后被改动",
            )
        self.checkpoints += 1
        self.last_checkpoint = c
        if fingerprint not in self.signers:
            self.signers.append(fingerprint)


def _json(text: str) -> Any:
    try:
        return json.loads(text)
    except (TypeError, ValueError):
        return None


class LogService:
    def __init__(self, services: Services) -> None:
        self.s = services

    # -- the head -----------------------------------------------------------------------------------
    def head(self, session: Session | None = None) -> Head | None:
        if session is None:
            with self.s.read() as own:
                return events.head(own)
        return events.head(session)

    def anchor(self) -> str:
        """The head of the log as `SEQ:HASH`, to be written down somewhere the database is not."""
        head = self.head()
        if head is None:
            raise Refused(
                "empty_log",
                "the event log is empty: there is nothing to anchor",
                "事件日志为空，无可记录的锚点",
            )
        return format_anchor(head)

    # -- checkpoints --------------------------------------------------------------------------------
    def append_checkpoint(self, tx: Tx, key: Ed25519PrivateKey | None = None) -> Head:
        """Append a checkpoint event signed with the body's key (inside the caller's transaction):
        it signs the head of the log and the hashes of the events since the previous checkpoint."""
        if key is None:
            key = self.s.keys.private_key(tx.session)
        tx.session.flush()
        head = events.head(tx.session)
        if head is None:
            raise Refused("empty_log", "the event log is empty: there is nothing to sign", "事件日志为空")
        last = read_setting(tx.session, LAST_CHECKPOINT_KEY)
        first = int(last["seq"]) + 1 if isinstance(last, dict) and int(last.get("seq", 0)) < head.seq else 1
        first = max(first, head.seq - MAX_LISTED + 1)
        listed = events.hashes_between(tx.session, first, head.seq)
        db_id = read_setting(tx.session, DATABASE_ID_KEY)
        after: dict[str, Any] = {
            "database": str(db_id),
            "first": first,
            "seq": head.seq,
            "hash": head.hash,
            "hashes": "".join(h[:PREFIX] for _, h in listed),
            "key": certsig.public_key_fingerprint(key),
        }
        after["signature"] = certsig.sign_detached(key, checkpoint_message(after))
        tx.record(CHECKPOINT_ACTION, "log", str(head.seq), after=after)
        checkpoint = events.head(tx.session)
        assert checkpoint is not None and checkpoint.seq == head.seq + 1
        put_setting(
            tx.session, LAST_CHECKPOINT_KEY, {"event": checkpoint.seq, "seq": head.seq, "hash": head.hash}
        )
        return checkpoint

    def checkpoint(self, actor: Actor) -> Head:
        """`log checkpoint`: sign the log as it is now (administrators and clerks)."""
        with self.s.tx(actor) as tx:
            require(Action.sign_log, tx.roles())
            return self.append_checkpoint(tx)

    # -- verification -------------------------------------------------------------------------------
    def verify(
        self, trusted_keys: list[Ed25519PublicKey] | None = None, anchor: str | None = None
    ) -> LogReport:
        """Check the hash chain, every signed checkpoint (against the body's public keys, or the
        `trusted_keys` given), the anchor if one is given, and that no record lost its events."""
        wanted = parse_anchor(anchor) if anchor is not None else None
        with self.s.read() as session:
            if trusted_keys is not None:
                keys = {certsig.public_key_fingerprint(k): k for k in trusted_keys}
            else:
                keys = self.s.keys.public_keys(session)
            db_id = read_setting(session, DATABASE_ID_KEY)
            walk = _Walk(keys, None if db_id is None else str(db_id), wanted, trusted_keys is not None)
            chain = events.verify(session, walk.observe)
            head = events.head(session)

            def report(seq: int | None, en: str, zh: str) -> LogReport:
                return LogReport(
                    False, chain.events, seq, en, zh, head=None if head is None else format_anchor(head)
                )

            if not chain.ok:
                zh = (
                    walk.zh
                    if chain.kind in ("checkpoint", "anchor")
                    else _CHAIN_ZH.get(chain.kind, chain.problem)
                )
                return report(chain.first_bad_seq, chain.problem, zh.format(seq=chain.first_bad_seq))
            if wanted is not None and wanted.seq > chain.events:
                return report(
                    wanted.seq,
                    f"the anchor {format_anchor(wanted)[:24]}… is not in this log: it has no event {wanted.seq} "
                    f"(it ends at event {chain.events}), so events were removed",
                    f"锚点 {format_anchor(wanted)[:24]}… 不在此日志中：日志只到第 {chain.events} 条，"
                    f"没有第 {wanted.seq} 条事件，事件被删除",
                )
            try:
                self._records_have_events(session, chain.events, walk)
            except _Broken as broken:
                return report(broken.seq, broken.en, broken.zh)
        return LogReport(
            True,
            chain.events,
            None,
            "",
            "",
            head=None if head is None else format_anchor(head),
            checkpoints=walk.checkpoints,
            last_checkpoint=walk.last_checkpoint,
            signers=tuple(walk.signers),
            anchor=None if wanted is None else format_anchor(wanted),
            trusted_keys=trusted_keys is not None,
        )

    def _records_have_events(self, session: Session, count: int, walk: _Walk) -> None:
        """Records that exist only because events happened must still have those events."""
        last = read_setting(session, LAST_CHECKPOINT_KEY)
        if isinstance(last, dict):
            seq = int(last.get("event", 0))
            event = events.event_at(session, seq) if seq else None
            after = _json(event.after) if event is not None else None
            if (
                event is None
                or event.action != CHECKPOINT_ACTION
                or not isinstance(after, dict)
                or after.get("hash") != last.get("hash")
            ):
                raise _Broken(
                    seq,
                    f"the log's last signed checkpoint, event {seq}, is gone: events were removed",
                    f"日志最后一个签名检查点（第 {seq} 条事件）已不存在：事件被删除",
                )
        for number in session.scalars(select(m.Certificate.number).order_by(m.Certificate.id)):
            if number not in walk.issued:
                raise _Broken(
                    count + 1,
                    f"certificate {number} has no issue event in the log: events were removed",
                    f"证书 {number} 在日志中没有颁发事件：事件被删除",
                )
        made = set(walk.introduced)
        for row in session.scalars(select(m.SigningKey).order_by(m.SigningKey.id)):
            try:
                actual = certsig.public_key_fingerprint(certsig.load_public_key(row.public_key.encode()))
            except certsig.CertSigError:
                actual = ""
            if actual != row.fingerprint or actual not in made:
                raise _Broken(
                    count + 1,
                    f"the body's public key {row.fingerprint[:19]}… has no event in the log that made it "
                    "(a key added or changed outside the program)",
                    f"机构公钥 {row.fingerprint[:19]}… 在日志中没有生成事件（在程序之外被添加或改动）",
                )
        if count == 0:
            filled = any(
                session.scalar(select(func.count()).select_from(model))
                for model in (m.User, m.Case, m.Certificate, m.SigningKey)
            )
            if filled:
                raise _Broken(
                    1,
                    "the event log is empty but the database holds records: events were removed",
                    "事件日志为空，但数据库中有记录：事件被删除",
                )

    # -- reading ------------------------------------------------------------------------------------
    def events(self, entity_id: str | None = None, limit: int = 200) -> list[EventView]:
        stmt = select(m.Event).order_by(m.Event.seq.desc()).limit(limit)
        if entity_id is not None:
            stmt = stmt.where((m.Event.entity_id == entity_id) | m.Event.entity_id.like(f"{entity_id}/%"))
        with self.s.read() as session:
            return [
                EventView(
                    e.seq,
                    e.at,
                    e.user_name,
                    e.action,
                    e.entity,
                    e.entity_id,
                    json.loads(e.before),
                    json.loads(e.after),
                    e.reason,
                )
                for e in session.scalars(stmt)
            ]
