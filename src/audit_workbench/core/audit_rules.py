"""The audit rules, once: what makes a score entry, a special item, a nonconformity, a conclusion and a
committee decision valid.

Pure functions over plain values (no session, no ORM row, no package model). Both doors that write
audit records call them: the interactive services (`services/audits.py`, `services/committee.py`) and
the package import (`services/packages/validate.py` and `plan.py`). So each rule has one home, and the
same bad change is refused with the same code whichever door it comes through:

| rule | code |
|---|---|
| points 0 to the indicator's maximum in 0.5 steps; a sample's points follow from its counts | `bad_score` |
| a sample has both counts, and only on an indicator checked on a sample | `bad_score` |
| not applicable needs a reason | `missing_value` |
| the rubric file is the one the case was opened with | `rubric_changed` |
| a special deduction opens a nonconformity, a bonus none; at most the rubric's bonuses | `deduction_without_nonconformity`, `bonus_with_nonconformity`, `bonus_limit` |
| evidence is a note or a file; a closed nonconformity has its corrective action | `missing_value` |
| a conclusion needs every indicator scored and no open nonconformity | `scoring_incomplete`, `open_nonconformities` |
| the committee's majority decides; a tie returns the case | (the tally) |
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from decimal import Decimal

from .errors import Refused
from .rubric import Grade, Indicator, Rubric, grade_rank
from .scoring import IndicatorEntry, ScoreResult, ScoringError, check_points, points_from_sample
from .workflow import VoteDecision


def bad_score(detail: str, zh_detail: str) -> Refused:
    """A value the scoring rules refuse, said in both languages (never English in a Chinese line)."""
    return Refused("bad_score", detail, f"评分无效：{zh_detail}")


def indicator(rubric: Rubric, code: str) -> Indicator:
    """The indicator `code` of the rubric; refused when the rubric has none."""
    try:
        return rubric.indicator(code)
    except KeyError:
        raise Refused(
            "unknown_indicator",
            f"indicator {code!r} is not in rubric {rubric.id}",
            f"指标 {code!r} 不在评价规则 {rubric.id} 中",
        ) from None


def points(ind: Indicator, value: object) -> Decimal:
    """Points for an indicator: 0 to its maximum, in steps of 0.5."""
    try:
        return check_points(ind, value)
    except ScoringError as exc:
        raise bad_score(str(exc), exc.zh) from None


def sample_points(ind: Indicator, sampled: int | None, nonconforming: int | None) -> Decimal:
    """The points a sample gives: both counts, only on an indicator checked on a sample."""
    if sampled is None or nonconforming is None:
        raise bad_score(
            f"{ind.code}: a sample needs both counts (sampled and nonconforming)",
            f"{ind.code}：抽样须同时有抽样数和不符合数",
        )
    if not ind.sampled:
        raise bad_score(
            f"{ind.code}: this indicator is not checked on a sample; give its points",
            f"{ind.code}：该指标不按抽样评分，请直接给分",
        )
    try:
        return points_from_sample(ind, sampled, nonconforming)
    except ScoringError as exc:
        raise bad_score(str(exc), exc.zh) from None


def entry(ind: Indicator, recorded: IndicatorEntry) -> IndicatorEntry:
    """A whole indicator entry made consistent, or refused: points or not applicable (with its reason)
    or nothing; a sample's counts together with the points they give."""
    code = ind.code
    if recorded.code != code:
        raise bad_score(
            f"an entry for {recorded.code} given for {code}", f"给 {code} 的评分记录属于 {recorded.code}"
        )
    has_counts = recorded.sampled is not None or recorded.nonconforming is not None
    if recorded.not_applicable:
        if not recorded.reason.strip():
            raise Refused(
                "missing_value",
                f"{code}: a reason for not applicable is required",
                f"{code}：不适用（删减）的原因不能为空",
            )
        if recorded.points is not None or has_counts:
            raise bad_score(
                f"{code}: not applicable takes no points and no sample", f"{code}：不适用的指标不计分、不抽样"
            )
        return recorded
    if recorded.points is None:
        if has_counts or recorded.reason:
            raise bad_score(f"{code}: a sample or a reason without points", f"{code}：有抽样或原因却没有得分")
        return recorded
    value = points(ind, recorded.points)
    if has_counts:
        expected = sample_points(ind, recorded.sampled, recorded.nonconforming)
        if expected != value:
            raise bad_score(
                f"{code}: the sample gives {expected}, not {value}",
                f"{code}：按抽样应得 {expected} 分，而不是 {value} 分",
            )
    elif recorded.reason:
        raise bad_score(f"{code}: a reason is for not applicable only", f"{code}：原因只用于不适用的指标")
    if value == recorded.points:
        return recorded
    return IndicatorEntry(
        code, value, False, recorded.reason, recorded.note, recorded.sampled, recorded.nonconforming
    )


def rubric_unchanged(case_no: str, rubric_id: str, pinned_sha256: str, actual_sha256: str) -> None:
    """The rubric file a case is scored against is the one it was opened with (a revision of a
    rubric must be a new file, so a later revision never changes an old result)."""
    if actual_sha256 != pinned_sha256:
        raise Refused(
            "rubric_changed",
            f"rubric file {rubric_id} changed since case {case_no} was opened; restore the original file "
            "(a revision of a rubric must be a new file)",
            f"评价规则文件 {rubric_id} 在立案后被修改；请恢复原文件（新版规则应为新文件）",
        )


SPECIAL_KINDS = ("deduction", "bonus")


def special_item(kind: str, has_nonconformity: bool) -> None:
    """A special deduction (−1) opens a nonconformity that needs rectification; a bonus (+1) none."""
    if kind not in SPECIAL_KINDS:
        raise Refused(
            "bad_special_kind", "special item kind must be deduction or bonus", "特别项类型必须为扣分或加分"
        )
    if kind == "deduction" and not has_nonconformity:
        raise Refused(
            "deduction_without_nonconformity",
            "a special deduction opens a nonconformity that needs rectification",
            "特别扣分项必须开具需要整改的不符合项",
        )
    if kind == "bonus" and has_nonconformity:
        raise Refused(
            "bonus_with_nonconformity", "a special bonus opens no nonconformity", "特别加分项不开具不符合项"
        )


def bonus_allowed(rubric: Rubric, bonuses: int) -> None:
    """`bonuses` special bonus items (with the one being added) are within the rubric's limit."""
    if bonuses > rubric.max_special_bonus:
        raise Refused(
            "bonus_limit",
            f"at most {rubric.max_special_bonus} special bonus item may be given",
            f"特别加分项最多 {rubric.max_special_bonus} 项",
        )


def evidence(note: str, has_file: bool) -> None:
    if not note.strip() and not has_file:
        raise Refused("missing_value", "evidence needs a note or a file", "证据需要说明或文件")


def nonconformity_closure(closed: bool, corrective_action: str | None) -> None:
    """A closed nonconformity records the corrective action the team verified."""
    if closed and not (corrective_action or "").strip():
        raise Refused(
            "missing_value",
            "a closed nonconformity needs its corrective action",
            "关闭不符合项需要填写纠正措施",
        )


def conclusion_allowed(result: ScoreResult, open_nonconformities: Sequence[object]) -> None:
    """The team leader may conclude when every indicator is scored or marked not applicable and no
    nonconformity is open (awaiting rectification)."""
    if result.unscored:
        codes = ", ".join(result.unscored)
        raise Refused(
            "scoring_incomplete",
            f"indicators not yet scored or marked not applicable: {codes}",
            f"以下指标尚未评分或标记不适用：{codes}",
        )
    if open_nonconformities:
        ids = ", ".join(str(i) for i in open_nonconformities)
        raise Refused(
            "open_nonconformities",
            f"nonconformities still open (awaiting rectification): {ids}",
            f"仍有未关闭的不符合项（待整改）：{ids}",
        )


def tally(decisions: Sequence[tuple[VoteDecision, str | None]]) -> tuple[VoteDecision, str | None]:
    """The majority decision; a tie between the leading decisions returns the case.

    When `lower` wins, the grade is the lowest one named by the members who voted to lower: no
    member's vote is overridden upwards.
    """
    counts = Counter(d for d, _ in decisions)
    ranked = counts.most_common()
    if len(ranked) > 1 and ranked[0][1] == ranked[1][1]:
        return VoteDecision.return_, None
    winner = ranked[0][0]
    if winner is VoteDecision.lower_:
        grades = [g for d, g in decisions if d is VoteDecision.lower_ and g]
        return winner, min(grades, key=grade_rank)
    return winner, None


def vote_grade(
    decision: VoteDecision, grade: str | None, recommended: str | None, total: object, case_no: str
) -> str | None:
    """The grade a vote names: the recommended one to approve, a lower one to lower, none otherwise.
    No decision can raise the grade."""
    if decision is VoteDecision.approve:
        if recommended is None:
            raise Refused(
                "not_passed",
                f"case {case_no} did not pass (total {total}); vote reject or return",
                f"案件 {case_no} 未达到达标级（{total} 分），请表决不予认证或退回评审组",
            )
        if grade:
            # An approval carries the recommended grade: a grade given with it would be ignored.
            raise Refused(
                "grade_ignored",
                f"an approval carries the recommended grade ({recommended}); to give {grade} vote lower",
                f"批准即采用推荐等级（{recommended}），不另指定等级；如需降低等级请表决降级批准",
            )
        return recommended
    if decision is VoteDecision.lower_:
        if not grade:
            raise Refused("missing_grade", "name the lower grade", "请指定降低后的等级")
        try:
            lowered = Grade(grade)
        except ValueError:
            raise Refused("bad_grade", f"unknown grade {grade!r}", f"未知等级 {grade!r}") from None
        if grade_rank(lowered) >= grade_rank(recommended):
            raise Refused(
                "grade_not_lower",
                f"{lowered.value} is not below the recommended grade {recommended or 'none'}; "
                "no decision can raise the grade",
                "降级后的等级必须低于推荐等级，任何决定都不能提高等级",
            )
        return lowered.value
    if grade:
        raise Refused("unexpected_grade", "only a vote to lower names a grade", "只有降级表决需要指定等级")
    return None
