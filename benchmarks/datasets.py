"""The data sets the benchmarks run on: N cases with full scores, events and certificates.

Building 100,000 cases through the services would take hours, so a data set is made in two steps:

1. The *seed*: the demo certification body (`services.demo.build_demo`: 17 initial cases in every
   state of the pipeline, with materials, reviews, scores, evidence, nonconformities, special items,
   votes, certificates and about 40 events each) plus a surveillance and a renewal case taken to
   `certified` — every record made by the real use-case calls.
2. The *bulk*: the seed's cases are templates. Organisation families (an initial case, then for a
   certificate up to two surveillance audits and a renewal) are planned in Python with realistic
   names and valid unified social credit codes, then every row of each template case (case,
   materials and their files, team, document reviews and findings, indicator scores, evidence,
   nonconformities, special items, votes, certificate, events) is copied for each planned case by
   `INSERT … SELECT` in one transaction, with ids remapped and every date shifted to the case's own
   dates. Certificates get their own numbers and a QR payload signed with the database's key.

The event log of a bulk data set has the right size and shape but is not a valid hash chain (its
hashes are placeholders): never measure `log verify` on it.

Built databases are cached under the temp folder, keyed by size, builder version, schema revision
and password-hash mode, so reruns start at once. `AUDIT_WORKBENCH_KEYS_DIR` must point at the cache's
key folder (`use_cache_keys`) before any `Services` is opened, in this process and its children.
"""

from __future__ import annotations

import hashlib
import os
import random
import shutil
import sqlite3
import tempfile
import time
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

BUILD_VERSION = 5
DEMO_PASSWORD = "demo-pass-2026"  # services.demo.DEMO_PASSWORD
CLERK = "zhangwei"  # a demo clerk: the case list's everyday user
YEARS_OF_HISTORY = 8

# How initial applications end up (weights), for a body that has been certifying for years.
INITIAL_OUTCOMES: tuple[tuple[str, float], ...] = (
    ("certified", 0.62),
    ("not_certified", 0.05),
    ("rejected", 0.04),
    ("withdrawn", 0.05),
    ("draft", 0.03),
    ("submitted", 0.03),
    ("accepted", 0.03),
    ("document_review", 0.03),
    ("onsite_audit", 0.06),
    ("committee_review", 0.03),
    ("approved", 0.03),
)
OPEN_STATES = frozenset(
    {"draft", "submitted", "accepted", "document_review", "onsite_audit", "committee_review", "approved"}
)
SURVEILLANCE_CHANCE = (0.7, 0.45)  # a first and a second surveillance audit of a certificate
RENEWAL_CHANCE = 0.35


def cache_root() -> Path:
    override = os.environ.get("AUDIT_WORKBENCH_BENCH_CACHE")
    return Path(override) if override else Path(tempfile.gettempdir()) / "audit-workbench-benchmarks"


def use_cache_keys() -> Path:
    """Point the services' signing-key folder at the cache (the seed's key secret lives there)."""
    keys = cache_root() / "keys"
    keys.mkdir(parents=True, exist_ok=True)
    os.environ["AUDIT_WORKBENCH_KEYS_DIR"] = str(keys)
    return keys


def cache_key() -> str:
    from audit_workbench.storage import db as storage_db
    from audit_workbench.storage import models

    folder = Path(models.__file__).parent
    tables = (folder / "models.py").read_bytes() + (folder / "detail_models.py").read_bytes()
    models_sha = hashlib.sha256(tables).hexdigest()[:10]
    return f"v{BUILD_VERSION}-{storage_db.head_revision()[:12]}-{models_sha}-argon2"


def cache_dir() -> Path:
    folder = cache_root() / cache_key()
    folder.mkdir(parents=True, exist_ok=True)
    return folder


# -- copying a database with its attachment folder -------------------------------------------------


def attachments_of(path: Path) -> Path:
    return path.with_name(path.name + ".attachments")


def copy_database(source: Path, target: Path) -> None:
    """A consistent copy (SQLite online backup, so a WAL is folded in) and the attachment folder."""
    remove_database(target)
    src = sqlite3.connect(source)
    try:
        dst = sqlite3.connect(target)
        with dst:
            src.backup(dst)
        dst.close()
    finally:
        src.close()
    if attachments_of(source).exists():
        shutil.copytree(attachments_of(source), attachments_of(target))


def remove_database(path: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    shutil.rmtree(attachments_of(path), ignore_errors=True)


def move_database(source: Path, target: Path) -> None:
    remove_database(target)
    if attachments_of(source).exists():
        os.replace(attachments_of(source), attachments_of(target))
    os.replace(source, target)


# -- step 1: the seed, made through the services ---------------------------------------------------


def _round_half(value: Decimal) -> Decimal:
    return (value * 2).quantize(Decimal("1"), rounding=ROUND_HALF_UP) / 2


def _score_all(services, actor, case_no: str, share: Decimal) -> None:  # type: ignore[no-untyped-def]
    detail = services.cases.get(case_no)
    rubric = services.rubrics.get(detail.rubric_id).rubric
    for _, indicator in rubric.indicators():
        points = _round_half(indicator.max_points * share)
        services.audits.set_points(actor, case_no, indicator.code, points, note="抽查记录符合要求")


def _take_follow_up(services, users, number: str, kind: str, parent_grade: str) -> str:  # type: ignore[no-untyped-def]
    """Open a surveillance or renewal audit of a certificate and take it to `certified`."""
    clerk, leader, member, committee = users
    case_no = services.certificates.open_follow_up(clerk, number, kind)
    services.cases.assign_team(clerk, case_no, leader.name, [member.name])
    services.cases.record_review(leader, case_no, outcome="pass", note="体系文件无重大变化，同意进入现场审核")
    _score_all(services, leader, case_no, Decimal("1") if kind == "surveillance" else Decimal("0.9"))
    services.audits.conclude(leader, case_no, "体系运行有效，建议保持认证")
    recommended = services.cases.get(case_no).recommended_grade
    if kind == "surveillance" and recommended != parent_grade:
        # A surveillance audit confirms the certificate's grade: the committee keeps it.
        services.committee.vote(committee, case_no, "lower", "监督审核确认原认证等级", grade=parent_grade)
    else:
        services.committee.vote(committee, case_no, "approve", "同意")
    services.certificates.issue(clerk, case_no)
    return case_no


def build_seed(path: Path) -> None:
    """The demo body plus a surveillance and a renewal case, all through the services."""
    from audit_workbench.services import Services
    from audit_workbench.services.demo import build_demo

    remove_database(path)
    services = Services.open(path)
    try:
        # without the demo's surveillance audits: the bulk copies each initial case with its
        # certificate's events (a surveillance passed, on a copy with no such case) and plans its own
        build_demo(services, surveillance=False)
        login = services.users.login
        clerk = login(CLERK, DEMO_PASSWORD)
        leader, member = login("wangfang", DEMO_PASSWORD), login("liuyang", DEMO_PASSWORD)
        committee = login("sunli", DEMO_PASSWORD)
        users = (clerk, leader, member, committee)
        valid = [c for c in services.certificates.list() if c.status == "valid"]
        teams = {c.number: {t.user_name for t in services.cases.get(c.case_no).team} for c in valid}
        free = [c for c in valid if not teams[c.number] & {"wangfang", "liuyang"}] or valid
        if not free:
            raise RuntimeError("the demo has no valid certificate to follow up")
        cert = free[0]
        _take_follow_up(services, users, cert.number, "surveillance", cert.grade)
        _take_follow_up(services, users, cert.number, "renewal", cert.grade)
    finally:
        services.close()


def seed_path() -> Path:
    path = cache_dir() / "seed.sqlite3"
    if path.exists():
        return path
    use_cache_keys()
    partial = path.with_name(f"seed-{os.getpid()}.partial.sqlite3")
    build_seed(partial)
    move_database(partial, path)
    return path


# -- step 2: the bulk ------------------------------------------------------------------------------

CITIES: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("北京", "110108", ("海淀区", "朝阳区", "丰台区", "大兴区")),
    ("上海", "310115", ("浦东新区", "闵行区", "嘉定区", "松江区")),
    ("天津", "120116", ("滨海新区", "西青区", "武清区")),
    ("重庆", "500112", ("渝北区", "江北区", "九龙坡区")),
    ("广州", "440113", ("番禺区", "天河区", "白云区", "黄埔区")),
    ("深圳", "440303", ("罗湖区", "南山区", "宝安区", "龙岗区")),
    ("杭州", "330110", ("余杭区", "西湖区", "萧山区", "滨江区")),
    ("宁波", "330282", ("慈溪市", "鄞州区", "北仑区")),
    ("苏州", "320506", ("吴中区", "工业园区", "相城区", "昆山市")),
    ("南京", "320114", ("雨花台区", "江宁区", "栖霞区")),
    ("无锡", "320214", ("新吴区", "滨湖区", "江阴市")),
    ("青岛", "370212", ("崂山区", "黄岛区", "城阳区")),
    ("济南", "370112", ("历城区", "历下区", "章丘区")),
    ("合肥", "340104", ("蜀山区", "包河区", "肥西县")),
    ("武汉", "420102", ("江岸区", "洪山区", "东西湖区")),
    ("长沙", "430104", ("岳麓区", "雨花区", "长沙县")),
    ("成都", "510107", ("武侯区", "高新区", "郫都区")),
    ("西安", "610113", ("雁塔区", "未央区", "长安区")),
    ("郑州", "410105", ("金水区", "管城回族区", "中原区")),
    ("沈阳", "210112", ("浑南区", "铁西区", "于洪区")),
    ("大连", "210213", ("金州区", "甘井子区", "高新园区")),
    ("厦门", "350206", ("湖里区", "思明区", "集美区")),
    ("福州", "350104", ("仓山区", "鼓楼区", "闽侯县")),
    ("佛山", "440606", ("顺德区", "南海区", "禅城区")),
    ("东莞", "441900", ("长安镇", "虎门镇", "松山湖")),
    ("中山", "442000", ("小榄镇", "火炬开发区", "古镇镇")),
    ("温州", "330302", ("鹿城区", "瓯海区", "乐清市")),
    ("石家庄", "130104", ("桥西区", "裕华区", "长安区")),
    ("昆明", "530112", ("西山区", "官渡区", "呈贡区")),
    ("南昌", "360111", ("青山湖区", "红谷滩区", "新建区")),
)
BRAND_CHARS = "华恒达美新海瑞鑫康博嘉盛和祥安泰顺丰宏昌荣润佳诚信德隆兴源锦旭卓越天宇金银金辉明光远晨"
INDUSTRIES: tuple[tuple[str, str], ...] = (
    ("电器", "家用电冰箱、洗衣机、空调器"),
    ("家电销售", "家用电器"),
    ("空调安装维修服务", "家用及商用空调"),
    ("厨卫电器", "吸油烟机、燃气灶、热水器"),
    ("小家电", "电饭煲、电水壶、电吹风"),
    ("家居", "实木家具、定制橱柜和衣柜"),
    ("电动车", "电动自行车、电动三轮车"),
    ("摩托车制造", "两轮摩托车、电动摩托车"),
    ("汽车销售服务", "乘用车"),
    ("电梯工程", "乘客电梯、自动扶梯"),
    ("净水设备", "家用净水器、商用直饮水机"),
    ("农机装备", "方草捆打捆机、秸秆收获机械"),
    ("珠宝首饰", "黄金、铂金及钻石镶嵌首饰"),
    ("电子商务", "家居日用品、小家电、母婴用品"),
    ("照明电器", "LED灯具、智能照明系统"),
    ("门窗", "系统门窗、阳光房"),
    ("医疗器械", "家用医疗器械、康复辅具"),
    ("办公设备", "复印机、打印机、投影仪"),
    ("通信设备", "智能手机、平板电脑"),
    ("暖通设备", "燃气壁挂炉、地暖系统"),
    ("卫浴", "智能马桶、淋浴房、浴室柜"),
    ("健身器材", "跑步机、动感单车、力量训练器械"),
    ("安防科技", "监控摄像机、智能门锁"),
    ("光伏科技", "户用光伏发电系统"),
)
SUFFIXES = ("有限公司", "股份有限公司", "科技有限公司", "集团有限公司")
ROADS = (
    "人民路",
    "解放大道",
    "中山路",
    "建设路",
    "工业大道",
    "科技园路",
    "学府路",
    "长江路",
    "滨河路",
    "创新路",
)


@dataclass
class _Template:
    id: int
    case_no: str
    kind: str
    status: str
    created: datetime
    end: datetime  # the last thing that happened to it
    org_code: str
    cert_id: int | None
    cert_number: str | None
    cert_status: str | None
    cert_grade: str | None
    parent_cert_number: str | None
    counts: dict[str, int] = field(default_factory=dict)  # rows per table, for id bases


@dataclass
class _NewCase:
    template: _Template
    created: datetime
    org: int  # index into the organisation list
    parent: _NewCase | None = None  # the case whose certificate this follow-up audits
    renewed_by: _NewCase | None = None
    id: int = 0
    case_no: str = ""
    cert_id: int | None = None
    cert_number: str | None = None
    cert_year: int | None = None
    cert_seq: int | None = None
    payload: str | None = None


def _dt(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("T", " ")[:26]).replace(tzinfo=UTC)


def _templates(con: sqlite3.Connection) -> list[_Template]:
    certs = {
        row[0]: row
        for row in con.execute("SELECT case_id, id, number, status, grade FROM certificates").fetchall()
    }
    numbers = dict(con.execute("SELECT id, number FROM certificates").fetchall())
    out = []
    for cid, case_no, kind, status, created, parent_cert, org_code in con.execute(
        "SELECT c.id, c.case_no, c.kind, c.status, c.created_at, c.parent_certificate_id, o.credit_code "
        "FROM cases c JOIN organizations o ON o.id = c.organization_id ORDER BY c.id"
    ).fetchall():
        cert = certs.get(cid)
        last = con.execute(
            "SELECT max(at) FROM events WHERE entity_id = ? OR entity_id LIKE ?", (case_no, case_no + "/%")
        ).fetchone()[0]
        out.append(
            _Template(
                id=cid,
                case_no=case_no,
                kind=kind,
                status=status,
                created=_dt(created),
                end=_dt(last) if last else _dt(created),
                org_code=org_code,
                cert_id=cert[1] if cert else None,
                cert_number=cert[2] if cert else None,
                cert_status=cert[3] if cert else None,
                cert_grade=cert[4] if cert else None,
                parent_cert_number=numbers.get(parent_cert) if parent_cert else None,
            )
        )
    return out


def _event_class(t: _Template, entity_id: str) -> str | None:
    if entity_id == t.case_no or entity_id.startswith(t.case_no + "/"):
        return "case"
    if entity_id == t.cert_number:
        return "cert"
    if entity_id == t.parent_cert_number:
        return "parent_cert"
    if entity_id == t.org_code and t.kind == "initial":
        return "org"
    return None


class _Names:
    """Organisation names, unified social credit codes and addresses that read like real ones."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.codes: set[str] = set()

    def make(self) -> tuple[str, str, str, str]:
        from audit_workbench.core.creditcode import ALPHABET, complete

        rng = self.rng
        city, area, districts = rng.choice(CITIES)
        industry, products = rng.choice(INDUSTRIES)
        brand = rng.choice(BRAND_CHARS) + rng.choice(BRAND_CHARS)
        name = f"{city}{brand}{industry}{rng.choice(SUFFIXES)}"
        while True:
            # 9 = registered by market regulation, 1 = enterprise; then the area and the
            # 9-character organisation code ("MA" + 7 for codes issued since 2015).
            body = "MA" + "".join(rng.choice(ALPHABET) for _ in range(7))
            code = complete(f"91{area}{body}")
            if code not in self.codes:
                self.codes.add(code)
                break
        district = rng.choice(districts)
        address = f"{city}市{district}{rng.choice(ROADS)}{rng.randint(1, 2000)}号"
        scope = f"{products}的售后服务（配送、安装、维修、客户服务）"
        return name, code, address, scope


def _plan(templates: list[_Template], count: int, now: datetime, rng: random.Random) -> list[_NewCase]:
    """Families of cases until `count` cases are planned."""
    by_status: dict[str, list[_Template]] = {}
    for t in templates:
        if t.kind == "initial":
            by_status.setdefault(t.status, []).append(t)
    surveillance = next((t for t in templates if t.kind == "surveillance" and t.status == "certified"), None)
    renewal = next((t for t in templates if t.kind == "renewal" and t.status == "certified"), None)
    outcomes = [s for s, _ in INITIAL_OUTCOMES if s in by_status]
    weights = [w for s, w in INITIAL_OUTCOMES if s in by_status]
    history = timedelta(days=365 * YEARS_OF_HISTORY)
    planned: list[_NewCase] = []
    org = 0
    while len(planned) < count:
        status = rng.choices(outcomes, weights)[0]
        t = rng.choice(by_status[status])
        span = t.end - t.created
        if status in OPEN_STATES:
            # An open case is recent: at most a few months older than its template.
            created = t.created - timedelta(days=rng.uniform(0, 120))
        else:
            latest = now - span - timedelta(days=1)
            created = latest - timedelta(seconds=rng.uniform(0, max(history.total_seconds(), 1)))
        initial = _NewCase(t, created, org)
        planned.append(initial)
        if t.cert_id is not None and t.cert_status == "valid" and surveillance is not None:
            issued = created + span
            for n, chance in enumerate(SURVEILLANCE_CHANCE, start=1):
                when = issued + timedelta(days=365 * n - 45 + rng.uniform(0, 30))
                if len(planned) >= count or rng.random() > chance:
                    break
                if when + (surveillance.end - surveillance.created) >= now:
                    break
                planned.append(_NewCase(surveillance, when, org, parent=initial))
            when = issued + timedelta(days=365 * 3 - 90 + rng.uniform(0, 30))
            if (
                renewal is not None
                and len(planned) < count
                and rng.random() < RENEWAL_CHANCE
                and when + (renewal.end - renewal.created) < now
            ):
                follow = _NewCase(renewal, when, org, parent=initial)
                initial.renewed_by = follow
                planned.append(follow)
        org += 1
    planned.sort(key=lambda c: c.created)
    return planned[:count]


def _table_columns(con: sqlite3.Connection, table: str) -> list[tuple[str, str]]:
    return [(row[1], str(row[2]).upper()) for row in con.execute(f"PRAGMA table_info({table})")]


def _copy(
    con: sqlite3.Connection, table: str, source: str, overrides: dict[str, str | None], alias: str = "t"
) -> int:
    """INSERT INTO table SELECT … FROM source: columns copied from `alias`, dates shifted by n.shift.

    `overrides` maps a column to its SQL expression, or to None to leave it out (an autoincrement id).
    Columns not named are copied, so a column added to the models later is carried along.
    """
    names, exprs = [], []
    for name, decl in _table_columns(con, table):
        if name in overrides:
            expr = overrides[name]
            if expr is None:
                continue
        elif decl.startswith("DATETIME"):
            col = f"{alias}.{name}"
            expr = f"CASE WHEN {col} IS NULL THEN NULL ELSE datetime({col}, n.shift) || substr({col}, 20) END"
        elif decl == "DATE":
            expr = f"date({alias}.{name}, n.shift)"
        else:
            expr = f"{alias}.{name}"
        names.append(name)
        exprs.append(expr)
    cursor = con.execute(f"INSERT INTO {table} ({', '.join(names)}) SELECT {', '.join(exprs)} {source}")
    return cursor.rowcount


def _local_index(con: sqlite3.Connection, table: str, name: str, key: str = "case_id") -> None:
    """temp.<name>(tid, row_id, idx): each template case's rows of `table` numbered 0, 1, 2…"""
    con.execute(f"DROP TABLE IF EXISTS temp.{name}")
    con.execute(f"CREATE TEMP TABLE {name} (tid INTEGER, row_id INTEGER PRIMARY KEY, idx INTEGER)")
    con.execute(
        f"INSERT INTO temp.{name} SELECT {key}, id, "
        f"(SELECT count(*) FROM {table} x WHERE x.{key} = r.{key} AND x.id < r.id) FROM {table} r"
    )


def build_bulk(path: Path, size: int, *, log=print) -> dict[str, int]:  # type: ignore[no-untyped-def]
    """Grow the seed copy at `path` to `size` cases; returns rows per table."""
    from audit_workbench.core import certsig
    from audit_workbench.services import Services

    rng = random.Random(20_792 + size)
    now = datetime.now(UTC)
    services = Services.open(path)
    try:
        with services.read() as session:
            private_key = services.certificates._private_key(session)
        settings = services.settings.all()
    finally:
        services.close()
    pattern = str(settings["certificate_number_pattern"])
    body_name = str(settings["body_name"])

    con = sqlite3.connect(path, isolation_level=None)
    con.execute("PRAGMA journal_mode=MEMORY")
    con.execute("PRAGMA synchronous=OFF")
    con.execute("PRAGMA foreign_keys=OFF")
    con.execute("PRAGMA cache_size=-1000000")
    con.execute("PRAGMA temp_store=MEMORY")
    templates = _templates(con)
    seeded = len(templates)
    planned = _plan(templates, max(size - seeded, 0), now, rng)
    log(f"  planned {len(planned):,} cases in {len({c.org for c in planned}):,} organisations")

    # -- ids, numbers and payloads, in date order --------------------------------------------------
    def max_id(table: str, column: str = "id") -> int:
        return int(con.execute(f"SELECT coalesce(max({column}), 0) FROM {table}").fetchone()[0])

    next_case = max_id("cases")
    next_cert = max_id("certificates")
    case_seq: dict[int, int] = {}
    for (case_no,) in con.execute("SELECT case_no FROM cases"):
        year, seq = int(case_no[2:6]), int(case_no.split("-")[1])
        case_seq[year] = max(case_seq.get(year, 0), seq)
    cert_seq = dict(con.execute("SELECT year, max(sequence) FROM certificates GROUP BY year").fetchall())
    names = _Names(rng)
    orgs: dict[int, tuple[str, str, str, str]] = {}
    org_ids: dict[int, int] = {}
    next_org = max_id("organizations")
    for c in planned:
        if c.org not in orgs:
            orgs[c.org] = names.make()
            next_org += 1
            org_ids[c.org] = next_org
    for c in planned:
        next_case += 1
        c.id = next_case
        year = c.created.year
        case_seq[year] = case_seq.get(year, 0) + 1
        c.case_no = f"AW{year}-{case_seq[year]:05d}"
    for c in sorted((c for c in planned if c.template.cert_id is not None), key=lambda c: c.created):
        t = c.template
        issued = (c.created + (t.end - t.created)).date()
        next_cert += 1
        c.cert_id = next_cert
        c.cert_year = issued.year
        cert_seq[issued.year] = cert_seq.get(issued.year, 0) + 1
        c.cert_seq = cert_seq[issued.year]
        c.cert_number = pattern.format(year=issued.year, seq=c.cert_seq)
    t0 = time.monotonic()
    for c in planned:
        if c.cert_id is None:
            continue
        name, code, address, _ = orgs[c.org]
        row = con.execute(
            "SELECT grade, rubric_id, issued_on, expires_on FROM certificates WHERE id = ?",
            (c.template.cert_id,),
        ).fetchone()
        days = (c.created - c.template.created).days
        issued = date.fromisoformat(row[2]) + timedelta(days=days)
        expires = date.fromisoformat(row[3]) + timedelta(days=days)
        claims = certsig.CertificateClaims(
            c.cert_number, name, code, row[0], issued, expires, row[1], body_name, address
        )
        c.payload = certsig.sign_certificate(private_key, claims)
    log(f"  signed {sum(1 for c in planned if c.payload):,} certificates in {time.monotonic() - t0:.1f} s")

    # -- the mapping tables --------------------------------------------------------------------------
    con.execute("BEGIN")
    con.execute(
        "CREATE TEMP TABLE n (id INTEGER PRIMARY KEY, tid INTEGER, case_no TEXT, tcase_no TEXT, "
        "org_id INTEGER, org_code TEXT, scope TEXT, parent_cert_id INTEGER, parent_number TEXT, "
        "cert_id INTEGER, cert_number TEXT, cert_year INTEGER, cert_seq INTEGER, payload TEXT, "
        "cert_status TEXT, superseded_by INTEGER, shift TEXT, "
        "mat_base INTEGER, review_base INTEGER, nc_base INTEGER, event_base INTEGER)"
    )
    _local_index(con, "materials", "lm")
    _local_index(con, "document_reviews", "lr")
    _local_index(con, "nonconformities", "ln")
    counts = {
        name: dict(con.execute(f"SELECT tid, count(*) FROM temp.{name} GROUP BY tid").fetchall())
        for name in ("lm", "lr", "ln")
    }
    # Events of each template case, numbered in order, with how their entity id is rewritten.
    con.execute("CREATE TEMP TABLE le (tid INTEGER, seq INTEGER, idx INTEGER, class TEXT, suffix TEXT)")
    event_rows = con.execute("SELECT seq, entity_id FROM events ORDER BY seq").fetchall()
    le_rows = []
    event_counts: dict[int, int] = {}
    for t in templates:
        idx = 0
        for seq, entity_id in event_rows:
            klass = _event_class(t, entity_id)
            if klass is None:
                continue
            suffix = entity_id[len(t.case_no) :] if klass == "case" else ""
            le_rows.append((t.id, seq, idx, klass, suffix))
            idx += 1
        event_counts[t.id] = idx
    con.executemany("INSERT INTO temp.le VALUES (?, ?, ?, ?, ?)", le_rows)

    mat, rev, ncb, evt = max_id("materials"), max_id("document_reviews"), max_id("nonconformities"), 0
    evt = max_id("events", "seq")
    rows = []
    for c in planned:
        t = c.template
        name, code, _address, scope = orgs[c.org]
        shift = f"{(c.created - t.created).total_seconds():+.0f} seconds"
        parent = c.parent
        cert_status = t.cert_status
        superseded = None
        if c.renewed_by is not None and c.cert_id is not None:
            cert_status, superseded = "superseded", c.renewed_by.cert_id
        rows.append(
            (
                c.id, t.id, c.case_no, t.case_no, org_ids[c.org], code, scope,
                parent.cert_id if parent else None, parent.cert_number if parent else None,
                c.cert_id, c.cert_number, c.cert_year, c.cert_seq, c.payload, cert_status, superseded,
                shift, mat, rev, ncb, evt,
            )
        )  # fmt: skip
        mat += counts["lm"].get(t.id, 0)
        rev += counts["lr"].get(t.id, 0)
        ncb += counts["ln"].get(t.id, 0)
        evt += event_counts[t.id]
    con.executemany(f"INSERT INTO temp.n VALUES ({', '.join('?' * 21)})", rows)
    from audit_workbench.core.casesearch import pinyin_keys

    con.executemany(
        "INSERT INTO organizations (id, name, credit_code, address, name_pinyin, name_initials, contact, version) "
        "VALUES (?, ?, ?, ?, ?, ?, '', 1)",
        [(org_ids[k], v[0], v[1], v[2], *pinyin_keys(v[0])) for k, v in orgs.items()],
    )

    # -- the rows ------------------------------------------------------------------------------------
    made: dict[str, int] = {}
    t0 = time.monotonic()
    base = "FROM temp.n n JOIN {table} t ON t.case_id = n.tid"
    made["cases"] = _copy(
        con,
        "cases",
        "FROM temp.n n JOIN cases t ON t.id = n.tid",
        {
            "id": "n.id",
            "case_no": "n.case_no",
            "organization_id": "n.org_id",
            "parent_certificate_id": "n.parent_cert_id",
            "scope": "n.scope",
            "contract_no": "CASE WHEN t.contract_no IS NULL THEN NULL ELSE 'HT-' || n.case_no END",
        },
    )
    made["materials"] = _copy(
        con,
        "materials",
        "FROM temp.n n JOIN materials t ON t.case_id = n.tid JOIN temp.lm l ON l.row_id = t.id",
        {"id": "n.mat_base + l.idx + 1", "case_id": "n.id"},
    )
    made["material_files"] = _copy(
        con,
        "material_files",
        "FROM temp.n n JOIN temp.lm l ON l.tid = n.tid JOIN material_files t ON t.material_id = l.row_id",
        {"id": None, "material_id": "n.mat_base + l.idx + 1"},
    )
    made["audit_team"] = _copy(
        con, "audit_team", base.format(table="audit_team"), {"id": None, "case_id": "n.id"}
    )
    made["document_reviews"] = _copy(
        con,
        "document_reviews",
        "FROM temp.n n JOIN document_reviews t ON t.case_id = n.tid JOIN temp.lr l ON l.row_id = t.id",
        {"id": "n.review_base + l.idx + 1", "case_id": "n.id"},
    )
    made["review_findings"] = _copy(
        con,
        "review_findings",
        "FROM temp.n n JOIN temp.lr l ON l.tid = n.tid JOIN review_findings t ON t.review_id = l.row_id",
        {"id": None, "review_id": "n.review_base + l.idx + 1"},
    )
    made["indicator_scores"] = _copy(
        con, "indicator_scores", base.format(table="indicator_scores"), {"id": None, "case_id": "n.id"}
    )
    made["evidence"] = _copy(con, "evidence", base.format(table="evidence"), {"id": None, "case_id": "n.id"})
    made["nonconformities"] = _copy(
        con,
        "nonconformities",
        "FROM temp.n n JOIN nonconformities t ON t.case_id = n.tid JOIN temp.ln l ON l.row_id = t.id",
        {"id": "n.nc_base + l.idx + 1", "case_id": "n.id"},
    )
    made["special_items"] = _copy(
        con,
        "special_items",
        "FROM temp.n n JOIN special_items t ON t.case_id = n.tid "
        "LEFT JOIN temp.ln l ON l.row_id = t.nonconformity_id",
        {
            "id": None,
            "case_id": "n.id",
            "nonconformity_id": "CASE WHEN l.idx IS NULL THEN NULL ELSE n.nc_base + l.idx + 1 END",
        },
    )
    made["committee_votes"] = _copy(
        con, "committee_votes", base.format(table="committee_votes"), {"id": None, "case_id": "n.id"}
    )
    made["certificates"] = _copy(
        con,
        "certificates",
        "FROM temp.n n JOIN certificates t ON t.case_id = n.tid WHERE n.cert_id IS NOT NULL",
        {
            "id": "n.cert_id",
            "number": "n.cert_number",
            "year": "n.cert_year",
            "sequence": "n.cert_seq",
            "case_id": "n.id",
            "organization_id": "n.org_id",
            "scope": "n.scope",
            "status": "n.cert_status",
            "superseded_by_id": "n.superseded_by",
            "payload": "n.payload",
            "next_surveillance_on": "NULL",  # computed below, once the cases are in
            # the organisation as certified: what the payload signed above holds
            "organization_name": "(SELECT o.name FROM organizations o WHERE o.id = n.org_id)",
            "organization_address": "(SELECT o.address FROM organizations o WHERE o.id = n.org_id)",
            "reissued_on": "NULL",
        },
    )
    made["events"] = _copy(
        con,
        "events",
        "FROM temp.n n JOIN temp.le l ON l.tid = n.tid JOIN events t ON t.seq = l.seq",
        {
            "seq": "n.event_base + l.idx + 1",
            "at": "strftime('%Y-%m-%dT%H:%M:%S', t.at, n.shift) || substr(t.at, 20)",
            "entity_id": "CASE l.class WHEN 'case' THEN n.case_no || l.suffix WHEN 'cert' THEN n.cert_number "
            "WHEN 'parent_cert' THEN n.parent_number ELSE n.org_code END",
            # Placeholders of the right length: the bulk log is not a verifiable chain.
            "prev_hash": "printf('%064x', n.event_base + l.idx)",
            "hash": "printf('%064x', n.event_base + l.idx + 1)",
        },
    )
    _fill_next_surveillance(con)
    last = con.execute("SELECT max(seq) FROM events").fetchone()[0]
    con.execute(
        "UPDATE settings SET value = ? WHERE key = 'event_log_head'",
        (f'{{"hash":"{int(last):064x}","seq":{last}}}',),
    )
    con.execute("COMMIT")
    log(f"  copied {sum(made.values()):,} rows in {time.monotonic() - t0:.1f} s")
    if con.execute("SELECT 1 FROM sqlite_master WHERE name = 'case_search'").fetchone():
        check_search_index(con)
    con.execute("PRAGMA journal_mode=WAL")
    con.close()
    made["templates"] = seeded
    return made


def _fill_next_surveillance(con: sqlite3.Connection) -> None:
    """certificates.next_surveillance_on as the certificate service keeps it, from the copied cases."""
    from audit_workbench.services.certificates import surveillance_due

    rows = con.execute(
        "SELECT ce.id, ce.issued_on, ce.expires_on, (SELECT count(*) FROM cases c "
        "WHERE c.parent_certificate_id = ce.id AND c.kind = 'surveillance' AND c.status = 'certified') "
        "FROM certificates ce"
    ).fetchall()
    con.executemany(
        "UPDATE certificates SET next_surveillance_on = ? WHERE id = ?",
        [
            (due.isoformat() if due else None, cert_id)
            for cert_id, issued, expires, done in rows
            for due in [surveillance_due(date.fromisoformat(issued), date.fromisoformat(expires), done)]
        ],
    )


def check_search_index(con: sqlite3.Connection) -> None:
    """The case search index holds exactly every case with its organisation (the triggers fired)."""
    from audit_workbench.storage.models import CASE_SEARCH_FILL

    joined = CASE_SEARCH_FILL.split("SELECT", 1)[1]
    missing = con.execute(
        f"SELECT count(*) FROM (SELECT {joined} EXCEPT SELECT rowid, name, credit_code, case_no, "
        "name_pinyin, name_initials FROM case_search)"
    ).fetchone()[0]
    extra = con.execute(
        "SELECT (SELECT count(*) FROM case_search) - (SELECT count(*) FROM cases)"
    ).fetchone()[0]
    if missing or extra:
        raise RuntimeError(f"case_search is out of step: {missing} cases missing, {extra} rows extra")


def dataset(size: int, *, log=print) -> Path:  # type: ignore[no-untyped-def]
    """The path of a cached data set of `size` cases, building it when missing."""
    use_cache_keys()
    target = cache_dir() / f"cases-{size}.sqlite3"
    if target.exists():
        return target
    seed = seed_path()
    t0 = time.monotonic()
    log(f"building the {size:,}-case data set in {target.parent}")
    partial = target.with_name(f"cases-{size}-{os.getpid()}.partial.sqlite3")
    copy_database(seed, partial)
    try:
        build_bulk(partial, size, log=log)
    except BaseException:
        remove_database(partial)
        raise
    move_database(partial, target)
    log(f"  built in {time.monotonic() - t0:.1f} s ({target.stat().st_size / 1e6:,.0f} MB)")
    return target
