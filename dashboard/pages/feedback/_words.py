"""The improvement-loop page's words, in English and Chinese (registered once with core.i18n)."""
from __future__ import annotations

from core.i18n import STRINGS, register, t

register({
    "nav.feedback": ("Improvement", "持续改进"),
    "feedback.title": ("Improvement loop", "持续改进"),
    "feedback.needs": ("This page reads the monthly user survey: register its metrics, missing here: {metrics} "
                       "(metrics/pack/feedback.py declares them over the survey's responses).",
                       "此页面读取每月用户调查：请注册其指标，当前缺少：{metrics}"
                       "（metrics/pack/feedback.py 基于调查答卷声明了这些指标）。"),
    "feedback.method": ("What users say in the monthly feedback survey, the complaints behind it, and the rule "
                        "changes made in response.", "用户在每月反馈调查中的意见、背后的投诉主题，以及据此做出的规则变更。"),
    "feedback.themes": ("Most frequent complaints", "最常见的投诉"),
    "feedback.themes_note": ("{complaints} of {responses} responses in {period} name a complaint.",
                             "{period}共 {responses} 份答卷，其中 {complaints} 份提及投诉。"),
    "feedback.truncated": ("Counted over the newest {shown} complaints.", "按最近的 {shown} 条投诉统计。"),
    "feedback.no_complaints": ("No complaint in this period.", "此期间没有投诉。"),
    "feedback.shift": ("How complaints shift", "投诉主题的变化"),
    "feedback.shift_note": ("Share of each quarter's responses naming each complaint, since the baseline.",
                            "自基线期以来，每季度答卷中提及各投诉主题的比例。"),
    "feedback.of_complaints": ("{share} of complaints", "占投诉 {share}"),
    "feedback.review": ("Quarterly review", "季度回顾"),
    "feedback.review_note": ("The views the quarterly data review walks through, each for the last complete quarter. "
                             "[snapshots.quarterly_review] in the config emails them (see the README).",
                             "季度数据回顾依次查看的视图，均为上一个完整季度。在配置中声明 [snapshots.quarterly_review] 即可定期发送邮件（见 README）。"),
    "feedback.review_league": ("Department league table, last quarter", "部门排名表（上季度）"),
    "feedback.review_feedback": ("Feedback and complaints, last quarter", "反馈与投诉（上季度）"),
    "feedback.review_records": ("Responses with a complaint, last quarter", "含投诉的答卷（上季度）"),
    "feedback.history": ("Metric definition changes", "指标定义变更"),
    "feedback.history_note": ("Metrics are code: each load of the catalogue records every definition's version. "
                              "Trends mark the day a definition changed.",
                              "指标即代码：每次加载指标目录都会记录各定义的版本。趋势图会标出定义变更的日期。"),
    "feedback.history_none": ("No definition has changed since {date}, when the {count} metrics were first recorded.",
                              "自 {date} 首次记录 {count} 个指标以来，没有定义发生变更。"),
    "feedback.history_metric": ("Metric", "指标"),
    "feedback.history_when": ("Changed", "变更时间"),
    "feedback.history_versions": ("Version", "版本"),
    "feedback.theme_slow_approvals": ("Slow approvals", "审批慢"),
    "feedback.theme_duplicate_data_entry": ("Duplicate data entry", "重复录入"),
    "feedback.theme_report_errors": ("Report errors", "报表错误"),
    "feedback.theme_access_requests": ("Access requests", "权限申请"),
    "feedback.theme_training": ("Training", "培训"),
})


def theme_label(theme: str, lang: str) -> str:
    """A complaint theme ('slow approvals') in the reader's language."""
    key = "feedback.theme_" + theme.replace(" ", "_")
    return t(key, lang) if key in STRINGS else theme
