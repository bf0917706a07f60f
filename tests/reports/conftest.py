"""Fixtures for the renderer tests: the production rubric, a signing key, the CJK font in use."""

from __future__ import annotations

import pytest

from audit_workbench.core import certsig
from audit_workbench.reports.fonts import register_cjk_font

from . import report_samples


@pytest.fixture(scope="session")
def loaded_rubric():
    assert report_samples.PRODUCTION.is_file(), f"the rubric file {report_samples.PRODUCTION} is missing"
    return report_samples.production_rubric()


@pytest.fixture(scope="session")
def signing_key():
    return certsig.generate_private_key()


@pytest.fixture(scope="session")
def cjk_font():
    return register_cjk_font()
