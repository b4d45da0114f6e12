"""The maturity page's words, in English and Chinese (registered once with core.i18n)."""
from __future__ import annotations

import re

from core.i18n import register, t

register({
    "nav.assessment": ("Maturity", "成熟度"),
    "assessment.needs": ("This page judges maturity by rules over KPIs and a self-assessment questionnaire: register "
                         "the metrics it reads, missing here: {metrics} (the default metric pack declares them).",
                         "此页面依据指标规则和自评问卷评估成熟度：请注册它读取的指标，当前缺少：{metrics}"
                         "（默认指标包中已声明这些指标）。"),
    "assessment.method": (
        "Each dimension scores 1-5: declared rules over the KPIs of the month before an assessment, blended 70 / 30 "
        "with the self-assessment questionnaire. Choose a score to see its rules.",
        "每个维度评为1-5级：依据已声明的规则判断评估前一个月的指标，并与自评问卷按 70 / 30 加权。选择一个分数可查看其规则。"),
    "assessment.radar": ("Now, at programme start and the target", "当前、项目启动时与目标"),
    "assessment.path": ("Each dimension over time", "各维度的变化"),
    "assessment.path_note": ("Line: the level the KPIs reach each month. Dots: the scores of the assessments.",
                             "折线：每月指标达到的级别。圆点：各次评估的得分。"),
    "assessment.scorecard": ("Scores by assessment", "各次评估得分"),
    "assessment.dimension": ("Dimension", "维度"),
    "assessment.baseline": ("Programme start", "项目启动"),
    "assessment.reassessment": ("Re-assessment {n}", "第{n}次复评"),
    "assessment.legend_on_track": ("at target", "达到目标"),
    "assessment.legend_at_risk": ("one level short", "差一级"),
    "assessment.legend_off_track": ("two or more levels short", "差两级及以上"),
    "assessment.none": ("No assessment has been held yet.", "尚未进行任何评估。"),
    "assessment.open": ("Open the rules behind {dimension} at {assessment}: score {score}",
                        "查看{assessment}时{dimension}得分 {score} 背后的规则"),
    "assessment.why": ("{dimension} at {assessment}: score {score}", "{assessment}的{dimension}：得分 {score}"),
    "assessment.no_score": ("no score", "无得分"),
    "assessment.blend": (
        "Rule level {level} (KPIs of {month}) × 0.7 + questionnaire {survey} × 0.3 = {exact} → {score}",
        "规则级别 {level}（{month}的指标）× 0.7 + 问卷 {survey} × 0.3 = {exact} → {score}"),
    "assessment.blend_rules": ("Rule level {level} (KPIs of {month}); no questionnaire answered by then",
                               "规则级别 {level}（{month}的指标）；此前无问卷"),
    "assessment.blend_survey": (
        "No KPI of this dimension has data in {month}: the score is the questionnaire, {survey}",
        "{month}本维度的指标均无数据：得分取自问卷 {survey}"),
    "assessment.level": ("Level {level}", "{level}级"),
    "assessment.reached": ("reached", "已达到"),
    "assessment.not_reached": ("not reached", "未达到"),
    "assessment.next": ("the next step", "下一步"),
    "assessment.rule": ("Rule", "规则"),
    "assessment.value": ("Value", "数值"),
    "assessment.result": ("Result", "结果"),
    "assessment.held_by": ("held, by {amount}", "满足，超出 {amount}"),
    "assessment.failed_by": ("failed, by {amount}", "未满足，差 {amount}"),
    "assessment.no_data": ("no data that month", "当月无数据"),
    "assessment.department_note": ("A department's maturity uses its own KPIs and answers.",
                                   "部门成熟度使用该部门自己的指标和问卷答案。"),
})


def assessment_label(assessment_id: str, lang: str) -> str:
    """The name of an assessment: programme start, re-assessment N, or its id."""
    if assessment_id == "baseline":
        return t("assessment.baseline", lang)
    found = re.fullmatch(r"reassessment_(\d+)", assessment_id)
    return t("assessment.reassessment", lang, n=found.group(1)) if found else assessment_id
