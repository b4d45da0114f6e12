"""The overview's opening sentence says, in counts, what the tiles say one by one: on track of those judged, which
reached their target this period, which need attention (off track)."""
from __future__ import annotations

from datetime import date

from dashboard.pages._summary import summary_sentence
from dashboard.state import ViewState
from metrics.engine.status import meets
from metrics.semantics.model import listed

TODAY = date(2026, 11, 27)


def test_the_sentence_counts_what_the_tiles_show(runtime) -> None:  # noqa: ANN001 - app.Runtime
    engine = runtime.engine
    metrics = list(listed(engine.catalogue).values())
    headlines = {m.key: engine.headline(m.key, ViewState().filters(TODAY, m.dimensions, "department")).data
                 for m in metrics}
    statuses = {k: h.status.value for k, h in headlines.items()}
    judged = [k for k, s in statuses.items() if s in ("on_track", "at_risk", "off_track")]
    on = [k for k in judged if statuses[k] == "on_track"]
    off = [engine.metric(k).title("en") for k in judged if statuses[k] == "off_track"]
    reached = [k for k in judged if headlines[k].target is not None and headlines[k].previous is not None
               and meets(headlines[k].value, headlines[k].target, engine.metric(k).good)
               and not meets(headlines[k].previous, headlines[k].target, engine.metric(k).good)]
    text = summary_sentence(metrics, headlines, "en").children
    assert text.startswith(f"{len(on)} of {len(judged)} KPIs on track")
    assert len(judged) >= 20
    if off:
        assert f"{len(off)} need attention: {off[0]}" in text
    else:
        assert "need attention" not in text
    if reached:
        assert engine.metric(reached[0]).title("en") in text and "reached" in text and "in Oct 2026" in text
    zh = summary_sentence(metrics, headlines, "zh").children
    assert zh.startswith(f"{len(judged)} 项指标中 {len(on)} 项正常") and zh.endswith("。")


def test_nothing_judged_says_so(runtime) -> None:  # noqa: ANN001
    assert summary_sentence([], {}, "en").children == "No KPI has a status yet for this period."
