"""The maturity self-assessment: the questionnaire department leads, key users and IT business partners answer at
each assessment. Not a monthly KPI (it is held every few months), so it is not listed on the overview; the maturity
page asks for it (programme/assessment.py)."""
from __future__ import annotations

import polars as pl

from metrics.semantics.dataset import Dataset
from metrics.semantics.model import Direction, Pillar, Text, Unit
from metrics.semantics.registry import register
from metrics.semantics.shapes import average

QUESTIONNAIRE = "maturity_questionnaire"
ASSESSMENT_ANSWERS = Dataset(
    "assessment_answers", source="demo", table="assessment_answers", time_column="assessed_on",
    dimensions=("department", "dimension", "assessment_id", "question"),
    drill_path=("department", "dimension", "question"), primary_key=("answer_id",),
    detail_columns=("answer_id", "assessment_id", "assessed_on", "department", "dimension", "question", "score"))


def declare() -> None:
    register(
        average(QUESTIONNAIRE, ASSESSMENT_ANSWERS, "score", Unit.SCORE, good=Direction.UP, target=4.0,
                pillar=Pillar.PROGRAMME, owner="PMO Lead", title=Text("Maturity self-assessment", "成熟度自评"),
                description=Text("Average 1-5 answer to the maturity questionnaire that department leads, key users "
                                 "and IT business partners fill in at each assessment.",
                                 "各部门负责人、关键用户和IT业务伙伴在每次评估时填写的成熟度问卷的平均分（1-5分）。"),
                problems=pl.format("score {}", pl.col("score")), needs_fixing=pl.col("score") <= 2, listed=False),
    )
