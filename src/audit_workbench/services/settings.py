"""Settings of the certification body, kept in the store (JSON values) with defaults.

A setting that would make a certificate unprintable or unverifiable is refused when it is set: the
body's name, English name and address must fit the certificate at a readable size, a number pattern
must make upper-case numbers without spaces that fit it, and the body's name and number must leave
room in the QR code for an organisation with a long name and address (REFERENCE_NAME/ADDRESS).
"""

from __future__ import annotations

import json
import re
import string
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..core.errors import Refused
from ..core.policy import Action, require
from ..core.text import ADDRESS, LINE
from ..storage.models import Setting
from .base import Actor, Services
from .checks import line

DEFAULTS: dict[str, Any] = {
    "body_name": "示例服务认证中心",
    "body_name_en": "Example Service Certification Centre",
    "body_address": "",
    "certificate_number_pattern": "AWB-{year}-{seq:05d}",
    "committee_quorum": 1,
    "language": "zh",
    "validity_years": 3,
    "nonconformity_days": 30,
    "font_path": "",
    # Years after a consultancy ended before its consultant may evaluate or decide on the organisation
    # again (the IAF rule is 2; a body may be stricter, never laxer).
    "consultancy_cooling_years": 2,
    # Complaints and appeals: deadlines in working days (resources/working-days.yaml and the two
    # calendar settings), except the appeal decision, in calendar days.
    "complaint_acknowledge_days": 5,
    "complaint_resolve_days": 30,
    "appeal_window_days": 30,
    "appeal_decide_days": 60,
    "calendar_holidays": [],  # the body's own rest days, added to the calendar file's
    "calendar_workdays": [],  # the body's own make-up working days (调休上班)
    # CNCA's monthly report (证书信息表 and its sister sheets): the body's approval number, the
    # scheme's 认证项目分类代码 and service-area code, the branch that audits, the audit-plan prefix.
    "cnca_approval_no": "",
    "cnca_project_code": "",
    "cnca_service_area": "",
    "cnca_branch": "",
    "cnca_plan_prefix": "",
    # The first month this database reports (YYYY-MM); earlier events were reported by other means.
    # Empty: every event ever recorded is reported, those of past months as late.
    "cnca_reporting_from": "",
    # The surveillance clock: the first surveillance is due within 12 months of the certification
    # decision ("decision", ISO/IEC 17021-1 §9.1.3) or of the issue date ("issue", CNCA's 2025 rule);
    # a certificate records the basis it was issued under. A suspension lasts `suspension_months`
    # unless its end is given (at most 6 months).
    "surveillance_basis": "decision",
    "suspension_months": 3,
    # Grade at surveillance: the committee may raise a certificate's grade only this many months
    # after the grade was given (its issue, or the last grade change); keep or lower at any time.
    "grade_raise_after_months": 12,
    # Retention: years after a certificate's expiry (or a case's decision, without one) during which no
    # record of it may be deleted (the database refuses; storage.retention). At least 6: the current
    # cycle and one more.
    "retention_years": 6,
}

_DAY_COUNTS = {
    "complaint_acknowledge_days": 30,
    "complaint_resolve_days": 120,
    "appeal_window_days": 60,
    "appeal_decide_days": 180,
}

# The CNCA keys whose values are numbers or codes: upper case, no spaces, as the report wants them.
_CNCA_CODES = {
    "cnca_approval_no": (r"[A-Z0-9\-]{4,30}", "4 to 30 letters, digits or -", "4 到 30 个字母、数字或 -"),
    "cnca_project_code": (r"[A-Z0-9.]{1,10}", "1 to 10 letters or digits", "1 到 10 个字母或数字"),
    "cnca_service_area": (r"[A-Z0-9]{3}", "3 letters or digits", "3 个字母或数字"),
    "cnca_plan_prefix": (r"[A-Z0-9\-]{1,20}", "1 to 20 letters, digits or -", "1 到 20 个字母、数字或 -"),
}

SURVEILLANCE_BASES = ("decision", "issue")
MAX_SUSPENSION_MONTHS = 6


# The organisation a certificate must still have room for in its QR code: a 50-character name and
# an 80-character address (Chinese registered names and addresses are seldom longer).
REFERENCE_NAME = "某" * 50
REFERENCE_ADDRESS = "某" * 80
LONGEST_NUMBER = 40
_SPEC = re.compile(r"^0?[1-9]?d?$")  # {seq:05d}, {seq:5}, {year}: a width of at most 9, no more
_NUMBER_CHARACTERS = re.compile(r"^[A-Z0-9][A-Z0-9/_.()\-]*$")


def _refused(key: str, en: str, zh: str) -> Refused:
    return Refused("bad_setting", f"{key}: {en}", f"{key}：{zh}")


def _number_pattern(text: str) -> str:
    """Check a certificate number pattern: {year} and {seq} only, numbers as CNCA wants them."""
    key = "certificate_number_pattern"
    try:
        fields = list(string.Formatter().parse(text))
    except ValueError as exc:
        raise _refused(
            key,
            f"the pattern is invalid ({exc}); use {{year}} and {{seq}}",
            "格式无效，请使用 {year} 和 {seq}",
        ) from None
    names = [f[1] for f in fields if f[1] is not None]
    if sorted(set(names)) != ["seq", "year"]:
        raise _refused(
            key,
            "the pattern must contain {year} and {seq} and nothing else in braces",
            "证书编号格式必须包含 {year} 和 {seq}，且花括号中不能有其他内容",
        )
    for _, name, spec, conversion in fields:
        if name is not None and (conversion or not _SPEC.match(spec or "")):
            raise _refused(
                key,
                f"{{{name}:{spec}}} is not allowed: give at most a width, e.g. {{seq:05d}}",
                f"{{{name}:{spec}}} 不允许，只能指定位数，例如 {{seq:05d}}",
            )
    first, second = text.format(year=2026, seq=1), text.format(year=2026, seq=2)
    longest = text.format(year=9999, seq=99999)
    if first == second:
        raise _refused(
            key, "the pattern must make a different number for each certificate", "每张证书的编号必须不同"
        )
    if len(longest) > LONGEST_NUMBER:
        raise _refused(
            key,
            f"numbers would be up to {len(longest)} characters (at most {LONGEST_NUMBER})",
            f"证书编号最长将有 {len(longest)} 个字符（最多 {LONGEST_NUMBER} 个）",
        )
    if not _NUMBER_CHARACTERS.match(longest):
        raise _refused(
            key,
            f"numbers such as {longest!r} must be upper-case letters, digits and - / _ . ( ) without spaces "
            "(as the regulator's report wants them)",
            f"证书编号（如 {longest!r}）只能由大写字母、数字和 - / _ . ( ) 组成，不能有空格（监管报送要求）",
        )
    return text


def _fits_certificate(body_name: str, pattern: str) -> None:
    """Refuse a body name or number pattern that leaves no room in the QR code for a long organisation."""
    from ..core import certsig  # cryptography: not on the window's first paint

    number = pattern.format(year=9999, seq=99999)
    claims = certsig.CertificateClaims(
        number=number,
        organization=REFERENCE_NAME,
        credit_code="9" * 18,
        grade="three_star",
        issued_on=date(2026, 1, 1),
        expires_on=date(2029, 12, 31),
        rubric_id="x" * 32,
        body_name=body_name,
        address=REFERENCE_ADDRESS,
        reissued_on=date(2027, 1, 1),
    )
    length = certsig.payload_length(claims)
    if length > certsig.QR_MAX_PAYLOAD:
        raise Refused(
            "bad_setting",
            f"the body's name ({len(body_name)} characters) with numbers like {number} leaves no room in the "
            f"certificate's QR code for an organisation with a {len(REFERENCE_NAME)}-character name and "
            f"{len(REFERENCE_ADDRESS)}-character address ({length} characters, at most {certsig.QR_MAX_PAYLOAD}); "
            "shorten it",
            f"认证机构名称（{len(body_name)} 字）和证书编号（如 {number}）过长：证书二维码将容不下名称 "
            f"{len(REFERENCE_NAME)} 字、地址 {len(REFERENCE_ADDRESS)} 字的组织，请缩短",
        )


def organization_fits_certificate(settings: dict[str, Any], name: str, address: str) -> None:
    """Refuse an organisation name and address too long for a certificate's QR code under these
    settings: an application that could never be certified is refused when it is made."""
    from ..core import certsig  # cryptography: not on the window's first paint

    number = str(settings["certificate_number_pattern"]).format(year=9999, seq=99999)
    claims = certsig.CertificateClaims(
        number=number,
        organization=name,
        credit_code="9" * 18,
        grade="three_star",
        issued_on=date(2026, 1, 1),
        expires_on=date(2029, 12, 31),
        rubric_id="x" * 32,
        body_name=str(settings["body_name"]),
        address=address,
        reissued_on=date(2027, 1, 1),
    )
    length = certsig.payload_length(claims)
    if length > certsig.QR_MAX_PAYLOAD:
        raise Refused(
            "too_long_for_certificate",
            f"the organisation's name ({len(name)} characters) and address ({len(address)}) are too long for a "
            f"certificate's QR code ({length} characters of signed data, at most {certsig.QR_MAX_PAYLOAD}): "
            "shorten them, e.g. the address to the registered one without extra detail",
            f"组织名称（{len(name)} 字）和地址（{len(address)} 字）过长，证书二维码无法容纳"
            f"（签名数据 {length} 个字符，最多 {certsig.QR_MAX_PAYLOAD} 个），请缩短（例如地址只写注册地址）",
        )


def _printable(key: str, **texts: str) -> None:
    from ..reports.certificate_pdf import check_printable

    problems = check_printable(**texts)
    if problems:
        raise _refused(key, "; ".join(problems), "过长，无法在证书上清晰打印")


def _whole_number(key: str, value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise Refused("bad_setting", f"{key} must be a whole number", f"{key} 必须是整数") from None


def _check(key: str, value: Any, current: dict[str, Any] | None = None) -> Any:
    if key not in DEFAULTS:
        raise Refused(
            "bad_setting", f"unknown setting {key!r}; known: {', '.join(DEFAULTS)}", f"未知设置 {key!r}"
        )
    if key == "committee_quorum" or key == "validity_years" or key == "nonconformity_days":
        number = _whole_number(key, value)
        if number < 1 or number > 99:
            raise Refused("bad_setting", f"{key} must be between 1 and 99", f"{key} 必须在 1 到 99 之间")
        return number
    if key == "consultancy_cooling_years":
        number = _whole_number(key, value)
        if number < 2 or number > 10:
            raise Refused(
                "bad_setting",
                f"{key} must be between 2 (the IAF rule) and 10",
                f"{key} 必须在 2（IAF 规则）到 10 之间",
            )
        return number
    if key in _DAY_COUNTS:
        number = _whole_number(key, value)
        if number < 1 or number > _DAY_COUNTS[key]:
            top = _DAY_COUNTS[key]
            raise Refused(
                "bad_setting", f"{key} must be between 1 and {top}", f"{key} 必须在 1 到 {top} 之间"
            )
        return number
    if key in ("calendar_holidays", "calendar_workdays"):
        items = value if isinstance(value, list) else [v for v in str(value).replace(",", " ").split() if v]
        days = []
        for item in items:
            try:
                days.append(date.fromisoformat(str(item).strip()).isoformat())
            except ValueError:
                raise Refused(
                    "bad_setting",
                    f"{key}: {item!r} is not a date (YYYY-MM-DD)",
                    f"{key}：{item!r} 不是日期（YYYY-MM-DD）",
                ) from None
        return sorted(set(days))
    if key == "retention_years":
        number = _whole_number(key, value)
        if number < 6 or number > 50:
            raise Refused(
                "bad_setting",
                f"{key} must be between 6 (a cycle and one more) and 50",
                f"{key} 必须在 6（当前周期加一个完整周期）到 50 之间",
            )
        return number
    if key == "grade_raise_after_months":
        number = _whole_number(key, value)
        if number < 0 or number > 36:
            raise Refused("bad_setting", f"{key} must be between 0 and 36", f"{key} 必须在 0 到 36 之间")
        return number
    if key == "suspension_months":
        number = _whole_number(key, value)
        if number < 1 or number > MAX_SUSPENSION_MONTHS:
            raise Refused(
                "bad_setting",
                f"{key} must be between 1 and {MAX_SUSPENSION_MONTHS}",
                f"{key} 必须在 1 到 {MAX_SUSPENSION_MONTHS} 之间",
            )
        return number
    if key == "surveillance_basis":
        if value not in SURVEILLANCE_BASES:
            raise Refused(
                "bad_setting",
                f"{key} must be decision (the certification decision) or issue (the issue date)",
                f"{key} 必须为 decision（认证决定日期）或 issue（颁证日期）",
            )
        return value
    current = current or DEFAULTS
    if key == "certificate_number_pattern":
        text = _number_pattern(line(str(value), key, key, limit=LINE))
        _printable(key, number=text.format(year=9999, seq=99999))
        _fits_certificate(str(current["body_name"]), text)
        return text
    if key == "body_name":
        text = line(str(value), key, key, required=False, limit=ADDRESS)
        if not text:
            raise _refused(key, "the body's name cannot be empty", "认证机构名称不能为空")
        _printable(key, body_name=text)
        _fits_certificate(text, str(current["certificate_number_pattern"]))
        return text
    if key == "body_name_en":
        text = line(str(value), key, key, required=False, limit=ADDRESS)
        _printable(key, body_name_en=text)
        return text
    if key == "body_address":
        text = line(str(value), key, key, required=False, limit=ADDRESS)
        _printable(key, body_address=text)
        return text
    if key in _CNCA_CODES:
        text = re.sub(r"\s+", "", str(value)).upper()
        pattern, en, zh = _CNCA_CODES[key]
        if text and not re.fullmatch(pattern, text):
            raise _refused(
                key, f"{text!r} must be {en} (empty: not set)", f"“{text}”应为{zh}（留空表示未设置）"
            )
        return text
    if key == "cnca_reporting_from":
        text = str(value).strip()
        if text and not re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", text):
            raise _refused(
                key,
                f"{text!r} is not a month (YYYY-MM; empty: from the start)",
                f"“{text}”不是月份（YYYY-MM）",
            )
        return text
    if key == "cnca_branch":
        return line(str(value), key, key, required=False, limit=300)
    if key == "language":
        if value not in ("zh", "en"):
            raise Refused("bad_setting", "language must be zh or en", "语言必须为 zh 或 en")
        return value
    return str(value)


class SettingsService:
    def __init__(self, services: Services) -> None:
        self.s = services

    def all(self, session: Session | None = None) -> dict[str, Any]:
        if session is None:
            with self.s.read() as own:
                return self.all(own)
        stored = {
            row.key: json.loads(row.value) for row in session.scalars(select(Setting)) if row.key in DEFAULTS
        }
        return {**DEFAULTS, **stored}

    def get(self, key: str, session: Session | None = None) -> Any:
        """A setting's value; pass the session when inside a transaction."""
        if key not in DEFAULTS:
            raise KeyError(key)
        if session is None:
            with self.s.read() as own:
                return self.get(key, own)
        row = session.get(Setting, key)
        return DEFAULTS[key] if row is None else json.loads(row.value)

    def set(self, actor: Actor, key: str, value: Any) -> Any:
        if key not in DEFAULTS:
            _check(key, value)  # refused: unknown
        with self.s.tx(actor) as tx:
            require(Action.manage_settings, tx.roles())
            value = _check(key, value, self.all(tx.session))
            row = tx.session.get(Setting, key)
            before = DEFAULTS[key] if row is None else json.loads(row.value)
            if row is None:
                tx.session.add(Setting(key=key, value=json.dumps(value, ensure_ascii=False)))
            else:
                row.value = json.dumps(value, ensure_ascii=False)
            tx.record("setting.set", "setting", key, before=before, after=value)
        return value
