"""metrics/feedback.py: comments classified into complaint themes by declared patterns, theme counts through the engine
equal to SQL, and the improvement-loop page's parts."""
from __future__ import annotations

import sqlite3
from datetime import date
from pathlib import Path

import polars as pl
import pytest

import app
from demo.feedback import COMPLAINTS, PRAISE, SYSTEM_WORDS
from metrics.engine.periods import Filters
from metrics.engine.scope import Scope, ScopedEngine
from metrics.pack.feedback import THEME, THEMES, theme_counts
from metrics.semantics.model import Grain

QUARTER = Filters(date(2026, 7, 1), date(2026, 10, 1))
# The same themes in SQL, from the words people use (first match wins, as declared).
SQL_THEME = """CASE
    WHEN lower(comment) LIKE '%approv%' OR lower(comment) LIKE '%sign-off%' THEN 'slow approvals'
    WHEN lower(comment) LIKE '%twice%' OR lower(comment) LIKE '%duplicate%' OR lower(comment) LIKE '%re-key%'
      OR lower(comment) LIKE '%re-enter%' THEN 'duplicate data entry'
    WHEN lower(comment) LIKE '%report%' OR lower(comment) LIKE '%figures%' OR lower(comment) LIKE '%totals%'
      THEN 'report errors'
    WHEN lower(comment) LIKE '%access%' OR lower(comment) LIKE '%permission%' OR lower(comment) LIKE '%locked out%'
      THEN 'access requests'
    WHEN lower(comment) LIKE '%training%' OR lower(comment) LIKE '%trained%' OR lower(comment) LIKE '%how to use%'
      THEN 'training'
END"""


@pytest.fixture(scope="module")
def db(data_dir: Path) -> sqlite3.Connection:
    return sqlite3.connect(data_dir / "demo.sqlite")


def classify(comments: list[str | None]) -> list[str | None]:
    frame = pl.DataFrame({"comment": comments}, schema={"comment": pl.String})
    return frame.select(THEME.alias("theme"))["theme"].to_list()


# What the demo generator means by each complaint, in the metric pack's words.
MEANT = {"slow_approvals": "slow approvals", "duplicate_entry": "duplicate data entry",
         "report_errors": "report errors", "access_requests": "access requests", "training": "training"}


@pytest.mark.parametrize("theme", list(COMPLAINTS))
def test_every_complaint_people_write_is_found_under_its_theme(theme: str) -> None:
    written = [text.format(system=word) for text in COMPLAINTS[theme] for word in SYSTEM_WORDS.values()]
    assert set(classify(written)) == {MEANT[theme]}


def test_praise_and_empty_comments_are_no_complaint() -> None:
    written = [text.format(system=word) for text in PRAISE for word in SYSTEM_WORDS.values()]
    assert set(classify([*written, None, ""])) == {None}
    assert [name for name, _ in THEMES] == ["slow approvals", "duplicate data entry", "report errors",
                                            "access requests", "training"]


def test_theme_counts_equal_sql(runtime: app.Runtime, db: sqlite3.Connection) -> None:
    counts = theme_counts(runtime.engine, QUARTER)
    expected = dict(db.execute(f"SELECT {SQL_THEME} AS theme, COUNT(*) FROM feedback_responses WHERE responded_on >= ? "
                               "AND responded_on < ? AND theme IS NOT NULL GROUP BY 1", ("2026-07-01", "2026-10-01")))
    assert dict(zip(counts.overall["theme"], counts.overall["complaints"])) == expected
    assert list(counts.overall["complaints"]) == sorted(expected.values(), reverse=True)  # most frequent first
    assert counts.complaints == sum(expected.values()) and not counts.truncated
    assert counts.responses == db.execute("SELECT COUNT(*) FROM feedback_responses WHERE responded_on >= '2026-07-01' "
                                          "AND responded_on < '2026-10-01'").fetchone()[0]
    assert sum(counts.overall["share"]) == pytest.approx(1.0)


def test_quarterly_shares_of_each_theme_equal_sql(runtime: app.Runtime, db: sqlite3.Connection) -> None:
    counts = theme_counts(runtime.engine, Filters(date(2025, 3, 1), date(2026, 10, 1)), Grain.QUARTER)
    month = "CAST(substr(responded_on, 6, 2) AS INT)"
    quarter = f"substr(responded_on, 1, 5) || printf('%02d', (({month} - 1) / 3) * 3 + 1)"
    rows = db.execute(f"""WITH r AS (SELECT {quarter} AS q, {SQL_THEME} AS theme FROM feedback_responses
                              WHERE responded_on < '2026-10-01'),
                          n AS (SELECT q, COUNT(*) AS responses FROM r GROUP BY q)
                          SELECT q, theme, COUNT(*) * 1.0 / responses FROM r JOIN n USING (q)
                          WHERE theme IS NOT NULL GROUP BY q, theme""").fetchall()
    got = {(p.strftime("%Y-%m"), t): s for p, t, s in counts.by_period.select("period", "theme", "share").iter_rows()}
    assert got == pytest.approx({(q, t): s for q, t, s in rows})
    # The programme's story: slow approvals and duplicate entry fall from the baseline to the last quarter.
    first, last = got[("2025-01", "slow approvals")], got[("2026-07", "slow approvals")]
    assert last < first / 2 and got[("2026-07", "duplicate data entry")] < got[("2025-01", "duplicate data entry")]


def test_a_department_lead_counts_only_their_own_complaints(runtime: app.Runtime, db: sqlite3.Connection) -> None:
    lead = ScopedEngine(runtime.engine, Scope(department="hr", label="lead of hr"))
    counts = theme_counts(lead, QUARTER)
    expected = db.execute(f"SELECT COUNT(*) FROM feedback_responses WHERE department = 'hr' AND "
                          f"{SQL_THEME} IS NOT NULL AND responded_on >= '2026-07-01' AND responded_on < '2026-10-01'"
                          ).fetchone()[0]
    assert counts.complaints == expected > 0


def test_the_record_table_says_which_complaint_a_response_makes(runtime: app.Runtime) -> None:
    page = runtime.engine.detail("complaint_share", QUARTER, 0, 50).data
    assert page.total > 0 and set(page.rows["problem"]) <= {name for name, _ in THEMES}
    assert list(page.rows.columns) == ["response_id", "responded_on", "department", "system", "satisfaction", "comment",
                                       "problem"]


def test_the_page_parts_speak_both_languages_and_link_the_quarterly_review(runtime: app.Runtime) -> None:
    from dashboard.app import create_app
    from dashboard.pages.feedback._parts import review_links, themes_figure
    from dashboard.state import ViewState

    counts = theme_counts(runtime.engine, QUARTER)
    figure = themes_figure(counts, "zh", "dark")
    assert set(figure.data[0].y) <= {"审批慢", "重复录入", "报表错误", "权限申请", "培训"}
    server = create_app(runtime.engine, runtime.config).server
    with server.test_request_context("/"):
        links = review_links(ViewState(language="zh"), "zh")
    hrefs = [li.children.href for li in links.children[1].children]
    assert hrefs == ["/league?period=quarter&lang=zh", "/assessment?lang=zh", "/feedback?period=quarter&lang=zh",
                     "/metric/complaint_share?period=quarter&lang=zh"]


def test_the_readme_quarterly_review_snapshot_is_accepted(runtime: app.Runtime) -> None:
    import re
    import tomllib

    from config.settings import parse_config
    from config.snapshots import snapshot_spec

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    [block] = [b for b in re.findall(r"```toml\n(.*?)```", readme, re.S) if "[snapshots.quarterly_review]" in b]
    config = parse_config(tomllib.loads(block), Path("README.md"), {})
    spec = snapshot_spec(config, "quarterly_review", runtime.catalogue)
    assert spec.period == "quarter" and spec.schedule is not None and spec.languages() == ["en", "zh"]
    assert {"feedback_satisfaction", "complaint_share"} <= set(spec.metrics)
