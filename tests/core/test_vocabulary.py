"""One vocabulary: every id the window, the CLI and the documents print has one pair of words."""

from __future__ import annotations

import re

import pytest

from audit_workbench.core import vocabulary
from audit_workbench.core.policy import ACTION_LABELS, ROLE_LABELS, Action, Role
from audit_workbench.core.rubric import Grade, installed_registry
from audit_workbench.core.workflow import (
    CERTIFICATE_STATE_LABELS,
    STATE_LABELS,
    CaseKind,
    CaseState,
    CertificateState,
    ReviewOutcome,
    VoteDecision,
)
from audit_workbench.reports._common import label as report_label

CJK = re.compile(r"[\u3400-\u9fff]")


@pytest.mark.parametrize(
    ("kind", "enum"),
    [
        ("case_state", CaseState),
        ("certificate_state", CertificateState),
        ("grade", Grade),
        ("role", Role),
        ("action", Action),
        ("decision", VoteDecision),
        ("review_outcome", ReviewOutcome),
        ("case_kind", CaseKind),
    ],
)
def test_every_member_has_words_in_both_languages(kind: str, enum: type) -> None:
    for member in enum:  # type: ignore[attr-defined]
        zh = vocabulary.label(kind, member, "zh")
        en = vocabulary.label(kind, member, "en")
        assert CJK.search(zh), (kind, member, zh)
        assert en and not CJK.search(en), (kind, member, en)
    assert set(vocabulary.VOCABULARY[kind]) == {m.value for m in enum}  # type: ignore[attr-defined]


def test_the_old_names_are_the_vocabulary() -> None:
    """STATE_LABELS, ROLE_LABELS, ACTION_LABELS… are imported in many places: they are built from it."""
    assert STATE_LABELS[CaseState.rejected] == vocabulary.CASE_STATES["rejected"]
    assert CERTIFICATE_STATE_LABELS[CertificateState.superseded] == ("已换证", "Superseded")
    assert ROLE_LABELS[Role.clerk] == vocabulary.ROLES["clerk"]
    assert ACTION_LABELS[Action.vote] == vocabulary.ACTIONS["vote"]


def test_a_member_without_words_fails_loudly() -> None:
    from enum import StrEnum

    class NewAction(StrEnum):
        score = "score"
        invented = "invented"

    with pytest.raises(KeyError, match="invented"):
        vocabulary.by_enum("action", NewAction)


def test_the_documents_use_the_same_words_as_the_window() -> None:
    for status in CertificateState:
        for lang in ("zh", "en"):
            assert report_label("certificate_status", status.value, lang) == vocabulary.label(
                "certificate_state", status, lang
            )
    assert report_label("certificate_status", "superseded", "zh") == "已换证"
    assert report_label("decision", "reject", "zh") == vocabulary.label("decision", "reject", "zh")
    assert "cancelled" not in vocabulary.CERTIFICATE_STATES  # 注销 is no state of ours


def test_the_rubrics_name_the_grades_as_the_vocabulary_does() -> None:
    for loaded in installed_registry().all():
        for band in loaded.rubric.grades:
            assert (band.label.zh, band.label.en) == vocabulary.GRADES[band.grade.value], loaded.id


def test_one_colour_per_grade() -> None:
    colours = [vocabulary.grade_colour(g) for g in Grade]
    assert len(set(colours)) == len(colours)
    assert vocabulary.grade_colour(None) == vocabulary.NO_GRADE_COLOUR not in colours
    assert vocabulary.grade_label(None, "zh") == "未达标"


def test_unknown_ids_are_shown_as_given() -> None:
    assert vocabulary.label("case_state", "archived", "zh") == "archived"
    assert vocabulary.label("case_state", None, "zh") == ""
    assert vocabulary.label("action", "assign_team", "en", capital=True) == "Assign the audit team"
    assert vocabulary.with_article("auditor") == "an auditor"
    assert vocabulary.with_article("clerk") == "a clerk"
