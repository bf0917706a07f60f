"""The painted charts draw what they are given where a reader looks for it, and say it on hover."""

from __future__ import annotations

from PySide6.QtCore import QPoint, QPointF
from PySide6.QtGui import QColor, QImage

from audit_workbench.ui.widgets.charts import BarChart, RingChart

ACCENT = "#1f5fbf"
GOLD, GREEN, BLUE = "#c9961a", "#2e7d32", "#1f5fbf"


def _shown(qtbot, chart, width: int = 420, height: int = 240):  # type: ignore[no-untyped-def]
    qtbot.addWidget(chart)
    chart.resize(width, height)
    chart.show()
    qtbot.waitExposed(chart)
    return chart


def _image(chart) -> QImage:  # type: ignore[no-untyped-def]
    return chart.grab().toImage()


def _is(image: QImage, point: QPointF, colour: str) -> bool:
    return image.pixelColor(QPoint(round(point.x()), round(point.y()))).name() == QColor(colour).name()


def test_bars_are_as_long_as_their_counts_and_in_the_order_given(qtbot) -> None:  # type: ignore[no-untyped-def]
    chart = _shown(qtbot, BarChart())
    chart.set_data([("草稿", 1), ("评审委员会审查", 0), ("已发证", 13)], ACCENT)
    rows = chart.rows()
    assert [r.label for r in rows] == ["草稿", "评审委员会审查", "已发证"]
    assert rows[0].band.top() < rows[1].band.top() < rows[2].band.top()  # top to bottom as given
    assert abs(rows[2].bar.width() - rows[0].bar.width() * 13) < 1
    assert rows[1].bar.width() == 0
    image = _image(chart)
    for row in (rows[0], rows[2]):
        assert _is(image, row.bar.center(), ACCENT)
    assert not _is(image, rows[1].bar.center() + QPointF(20, 0), ACCENT)  # a zero draws no bar
    # the longest label fits whole: Chinese state names are never cut
    assert rows[1].label_rect.width() >= chart.fontMetrics().horizontalAdvance("评审委员会审查")


def test_a_fixed_scale_keeps_bars_comparable_between_cases(qtbot) -> None:  # type: ignore[no-untyped-def]
    chart = _shown(qtbot, BarChart())
    chart.set_data(
        [("1 服务承诺", 50.0), ("2 服务保障", 100.0)], ACCENT, maximum=100.0, format=lambda v: f"{v:.1f}"
    )
    half, whole = chart.rows()
    assert abs(half.bar.width() * 2 - whole.bar.width()) < 1
    chart.set_data([("1 服务承诺", 50.0)], ACCENT, maximum=100.0, format=lambda v: f"{v:.1f}")
    (alone,) = chart.rows()
    assert abs(alone.bar.width() - half.bar.width()) < 1  # not stretched to the whole width
    assert chart.accessibleDescription() == "1 服务承诺 50.0"


def test_hovering_a_bar_names_it_and_its_count(qtbot) -> None:  # type: ignore[no-untyped-def]
    chart = _shown(qtbot, BarChart())
    chart.set_data([("草稿", 1), ("已发证", 13)], ACCENT)
    issued = chart.rows()[1]
    assert chart.bar_at(issued.label_rect.center()) == 1
    assert chart.tooltip_at(issued.bar.center()) == "已发证：13"
    assert chart.tooltip_at(QPointF(2, chart.height() - 2)) == ""  # below the last bar


def test_long_labels_are_elided_to_half_the_width_and_given_whole_on_hover(qtbot) -> None:  # type: ignore[no-untyped-def]
    chart = _shown(qtbot, BarChart(), width=300)
    name = "Committee review of the recommended certification result"
    chart.set_data([(name, 3)], ACCENT)
    (row,) = chart.rows()
    assert row.label_rect.width() < 150
    assert row.bar.width() > 50  # the bar keeps its room
    assert chart.tooltip_at(row.bar.center()) == f"{name}：3"


def test_the_ring_shares_out_the_total_clockwise_from_twelve(qtbot) -> None:  # type: ignore[no-untyped-def]
    chart = _shown(qtbot, RingChart())
    chart.set_data([("五星级", 1, GOLD), ("四星级", 0, GREEN), ("三星级", 3, BLUE)], "4 张", "暂无有效证书")
    shares = chart.shares()
    assert [(s.label, s.start, s.span) for s in shares] == [("五星级", 0.0, 90.0), ("三星级", 90.0, 270.0)]
    outer, inner, _ = chart._geometry()
    centre = outer.center()
    middle = (outer.width() + inner.width()) / 4  # halfway through the ring's band
    right_of_top = centre + QPointF(middle * 0.7, -middle * 0.7)  # 45° clockwise from twelve
    left = centre + QPointF(-middle, 0)  # 270°
    assert chart.slice_at(right_of_top) == 0 and chart.slice_at(left) == 1
    assert chart.slice_at(centre) is None  # the hole
    image = _image(chart)
    assert _is(image, right_of_top, GOLD) and _is(image, left, BLUE)
    assert chart.tooltip_at(left) == "三星级：3（75%）"
    assert chart.accessibleDescription() == "五星级 1；三星级 3"


def test_an_empty_ring_is_grey_and_says_so(qtbot) -> None:  # type: ignore[no-untyped-def]
    chart = _shown(qtbot, RingChart())
    chart.set_data([("五星级", 0, GOLD), ("四星级", 0, GREEN)], "0 张", "暂无有效证书")
    assert chart.shares() == [] and chart.centre_text == "暂无有效证书"
    outer, inner, _ = chart._geometry()
    band = outer.center() + QPointF(0, -(outer.width() + inner.width()) / 4)
    assert _is(_image(chart), band, "#e3e8ef")
    assert chart.tooltip_at(band) == ""
