"""Where the charts put their words: milestone labels that would overlap are left off (their markers stay), values of
bars that grow from the target stand in their own column, and the trend's line labels keep off each other's lines.
(tests/browser/test_chart_labels.py measures the drawn text boxes in a real browser.)"""
from __future__ import annotations

from datetime import date, timedelta

import plotly.graph_objects as go
import pytest

from dashboard.figures import LANE_MIN_PX, breakdown_figure, trend_figure
from metrics.semantics import registry
from metrics.semantics.model import Metric
from programme.milestones import Milestone

PERIODS = [date(2025, m, 1) for m in range(1, 13)] + [date(2026, m, 1) for m in range(1, 11)]


@pytest.fixture
def catalogue() -> dict[str, Metric]:
    return registry.load_modules(registry.DEFAULT_PACK)


def lane_of(figure: go.Figure) -> go.Scatter:
    return next(trace for trace in figure.data if trace.name == "Milestones")


def test_milestone_labels_never_share_a_spot_and_every_marker_stays(catalogue: dict[str, Metric]) -> None:
    # Eight milestones in four weeks (two on the same day), then two far apart.
    crowded = [Milestone(f"M{n:02d}", f"Step {n}", date(2026, 3, 2) + timedelta(days=4 * (n // 2) + n % 2),
                         n % 2 == 0, "done") for n in range(8)]
    lone = [Milestone("M20", "Later", date(2026, 7, 1), False, "planned"),
            Milestone("M21", "Last", date(2026, 9, 15), False, "planned")]
    figure = go.Figure(trend_figure(catalogue["data_accuracy"], PERIODS, [0.9] * len(PERIODS), "en", "light",
                                    milestones=crowded + lone))
    lane = lane_of(figure)
    assert len(lane.x) == 10 and [c[0] for c in lane.customdata] == [m.milestone_id for m in crowded + lone]
    assert "%{customdata[0]}" in lane.hovertemplate  # the hover names a milestone whose label was left off
    shown = [(x, level, text) for x, level, text in zip(lane.x, lane.y, lane.text) if text]
    assert 3 <= len(shown) < 10 and {"M20", "M21"} <= {text for *_, text in shown}
    # On the narrowest plot drawn, a label spans from its diamond's centre to the end of its characters (12 px
    # font, at most 8 px a character, 8 px gap): two labels on one row never share a pixel.
    low, high = (date.fromisoformat(str(d)[:10]) for d in figure.layout.xaxis.range)
    px_per_day = LANE_MIN_PX / (high - low).days

    def box(on: date, text: str) -> tuple[float, float]:
        left = (on - low).days * px_per_day
        return left - 6, left + 8 + 8 * len(text)

    for n, (x, level, text) in enumerate(shown):
        for x2, level2, text2 in shown[n + 1:]:
            if level == level2:
                (a0, a1), (b0, b1) = box(x, text), box(x2, text2)
                assert a1 <= b0 + 0.5 or b1 <= a0 + 0.5, (text, text2)
        for x2, level2, text2 in zip(lane.x, lane.y, lane.text):
            if level == level2 and not text2:  # a diamond without a label sits clear of every label on its row
                (a0, a1), (b0, _) = box(x, text), box(x2, "")
                words, diamond = (a0 + 12, a1), (b0, b0 + 12)
                assert diamond[1] <= words[0] + 0.5 or words[1] <= diamond[0] + 0.5, (text, x2)
    assert all(0 <= level <= 2 for level in lane.y)


def test_values_of_bars_from_the_target_stand_in_a_column_right_of_the_bars(catalogue: dict[str, Metric]) -> None:
    errors = catalogue["error_rate"]
    figure = go.Figure(breakdown_figure(errors, "process", ["invoice", "onboarding", "month_end"], [0.005, 0.0, 0.0],
                                        [10, 12, 9], "en", "light", clickable=True))
    bar = figure.data[0]
    assert bar.textposition == "none" and list(bar.text) == ["0.5%", "0.0%", "0.0%"]  # hover still has them
    column = [a for a in figure.layout.annotations if a.xref == "paper"]
    assert [(a.y, a.text) for a in column] == list(zip(bar.y, ["0.5%", "0.0%", "0.0%"]))
    assert all(a.x == 1 and a.xanchor == "left" for a in column)
    assert figure.layout.margin.r >= 60  # room for "100.0%"
    # Bars from zero keep their value just past their end.
    hours = go.Figure(breakdown_figure(catalogue["hours_saved"], "department", ["finance"], [300.0], [900], "en",
                                       "dark", False))
    assert hours.data[0].textposition == "outside" and hours.data[0].cliponaxis is False


def test_target_and_baseline_labels_face_away_from_each_other_and_the_target_date_is_beside_its_line(
        catalogue: dict[str, Metric]) -> None:
    errors = catalogue["error_rate"]  # lower is better: the target line runs below the baseline
    figure = go.Figure(trend_figure(errors, PERIODS, [0.03] * len(PERIODS), "en", "light", baseline=0.05,
                                    target=0.02, target_date=date(2026, 11, 30)))
    by_text = {a.text.split(" ")[0]: a for a in figure.layout.annotations if a.text != "Target date"}
    assert by_text["Target"].y == 0.02 and by_text["Target"].yanchor == "top"  # below the target line
    assert by_text["Baseline"].y == 0.05 and by_text["Baseline"].yanchor == "bottom"  # above the baseline
    when = next(a for a in figure.layout.annotations if a.text == "Target date")
    assert when.xanchor == "right" and when.xshift < 0 and when.bgcolor  # left of its line, over no other line
    rising = go.Figure(trend_figure(catalogue["data_accuracy"], PERIODS, [0.9] * len(PERIODS), "en", "light",
                                    baseline=0.785))
    by_text = {a.text.split(" ")[0]: a for a in rising.layout.annotations}
    assert (by_text["Target"].yanchor, by_text["Baseline"].yanchor) == ("bottom", "top")
