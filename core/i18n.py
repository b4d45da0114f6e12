"""Every word Vantage shows, in English and Chinese (zh-CN), and the one lookup for them: `t(key, lang)`.

The shell's and shared words are declared here; each page (`dashboard/pages/*/_words.py`) and the snapshot email
(`snapshots/words.py`, keys `mail.*`) register their own with `register({...})` when imported. A word that more
than one of them shows is declared once, here. Numbers come from metrics.format, names of data values and dates
from core.labels.
"""
from __future__ import annotations

from dataclasses import dataclass

# The languages Vantage speaks, in the order every (English, Chinese) pair below gives them; the first is the default.
LANGUAGES = ("en", "zh")

# key: (English, Chinese). Placeholders in braces are filled by t(..., name=value).
STRINGS: dict[str, tuple[str, str]] = {
    # shell
    "app.tagline": ("Information-management programme", "信息化管理项目"),
    "nav.overview": ("Overview", "总览"),
    "nav.main": ("Main navigation", "主导航"),
    "nav.menu": ("Menu: pages and settings", "菜单：页面与设置"),
    "lang.switch": ("Language", "语言"),
    "theme.light": ("Light theme", "浅色主题"),
    "theme.dark": ("Dark theme", "深色主题"),
    "theme.switch": ("Switch theme", "切换主题"),
    "analyst.switch": ("Analyst details", "分析细节"),
    "analyst.title": ("Show or hide formulas, commands and config keys (remembered in this browser)",
                      "显示或隐藏公式、命令与配置项（在此浏览器中记住）"),
    "link.copy": ("Copy link to this view", "复制此视图的链接"),
    "notfound.title": ("Page not found", "页面不存在"),
    "notfound.body": ("There is no page at this address.", "此地址没有页面。"),
    "notfound.back": ("Back to the overview", "返回总览"),
    # filters
    "filter.period": ("Period", "期间"),
    "period.month": ("Last complete month", "上一个完整月"),
    "period.quarter": ("Last complete quarter", "上一个完整季度"),
    "period.ytd": ("Year to date", "本年至今"),
    "period.last_90d": ("Last 90 days", "最近 90 天"),
    "period.custom": ("Custom range", "自定义期间"),
    "filter.from": ("From", "从"),
    "filter.to": ("To", "至"),
    "filter.department": ("Department", "部门"),
    "filter.all_departments": ("All departments", "全部部门"),
    "filter.bad": ("{problem}. Showing the default instead.", "{problem}。已改为显示默认值。"),
    # overview
    "overview.title": ("Programme overview", "项目总览"),
    "overview.results": ("Programme results", "项目成果"),
    "overview.kpis": ("All KPIs by pillar", "按支柱分类的全部指标"),
    "overview.open": ("Open {title}", "打开{title}"),
    # tiles
    "tile.vs_previous": ("vs previous period", "较上期"),
    "tile.no_previous": ("No previous period to compare", "无上期数据可比较"),
    "tile.baseline": ("Baseline", "基线"),
    "tile.target_by": ("Target {target} by {date}", "目标 {target}（{date}前）"),
    "tile.target_only": ("Target {target}", "目标 {target}"),
    "tile.no_target": ("No target set", "未设定目标"),
    "tile.as_of": ("Data as of {time}", "数据截至 {time}"),
    "tile.as_of_unknown": ("Data time unknown", "数据时间未知"),
    "tile.stale": ("Stale", "数据陈旧"),
    "tile.stale_sla": ("The source is older than its freshness limit.", "数据源超过了新鲜度时限。"),
    "tile.last_good": ("Last good value, the source failed: {reason}", "显示最近一次有效值，数据源读取失败：{reason}"),
    "tile.refreshing": ("Newer data arrived and is being computed: this is the last value until then",
                        "新数据已到达，正在计算：在此之前显示上一次的数值"),
    "tile.latest_with_data": ("{period} — latest month with data", "{period}（有数据的最近一个月）"),
    "tile.not_filterable": ("Cannot be filtered by department", "不能按部门筛选"),
    "tile.not_filterable_hint": ("This KPI has no department dimension.", "此指标没有部门维度。"),
    "tile.error": ("Cannot compute this KPI", "无法计算此指标"),
    "tile.loading": ("Loading…", "加载中…"),
    "tile.trend": ("Monthly trend", "月度趋势"),
    # status
    "status.on_track": ("On track", "正常"),
    "status.at_risk": ("At risk", "有风险"),
    "status.off_track": ("Off track", "偏离目标"),
    "status.unknown": ("No status", "无状态"),
    "status.too_few": ("Too few records", "记录太少"),
    "status.no_data": ("No data to judge", "无数据可判断"),
    "status.no_target": ("No target", "无目标"),
    "period.ytd_name": ("YTD {year}", "{year}年初至今"),
    # a status decision (metrics/engine/decision.py): why the status is what it is, and the slice's target
    "decision.too_few_label": ("Too few records ({n})", "记录太少（{n} 条）"),
    "decision.target_not_for": ("No target for {slice}", "{slice}未设定目标"),
    "decision.slice_target": ("{slice} target {target} by {date}", "{slice}目标 {target}（{date}前）"),
    "decision.no_data": ("No data in {period}, so no status.", "{period}没有数据，因此没有状态。"),
    "decision.no_target": ("This KPI has no target, so no status.", "此指标没有设定目标，因此没有状态。"),
    "decision.no_slice_target": ("No target for {slice}: its value and trend are shown without one.",
                                 "{slice}没有设定目标：只显示其数值和趋势。"),
    "decision.too_few": ("Too few records to judge: {n} in {period}, at least {min} needed.",
                         "记录太少，无法判断：{period}只有 {n} 条，至少需要 {min} 条。"),
    "decision.met": ("{value} meets the target of {target}.", "{value}，已达到目标 {target}。"),
    "decision.passed": ("The target date, {date}, has passed without the target of {target} met ({value}).",
                        "目标日期 {date} 已过，仍未达到目标 {target}（当前 {value}）。"),
    "decision.on_pace": ("{value} against a target of {target}: at the current pace the target is reached in about "
                         "{months} months ({when}), before the target date, {date}.",
                         "当前 {value}，目标 {target}：按当前趋势，约 {months} 个月后（{when}）达到目标，早于目标日期 {date}。"),
    "decision.on_pace_no_date": ("{value} against a target of {target}: at the current pace the target is reached in "
                                 "about {months} months ({when}).",
                                 "当前 {value}，目标 {target}：按当前趋势，约 {months} 个月后（{when}）达到目标。"),
    "decision.late": ("{value} against a target of {target}: at the current pace the target is reached in about "
                      "{months} months ({when}), after the target date, {date}.",
                      "当前 {value}，目标 {target}：按当前趋势，约 {months} 个月后（{when}）达到目标，晚于目标日期 {date}。"),
    "decision.never": ("{value} against a target of {target}: at the current pace the target is not reached.",
                       "当前 {value}，目标 {target}：按当前趋势无法达到目标。"),
    "decision.never_near": ("{value} is within 5% of the target of {target}, but at the current pace it is not "
                            "reached.", "当前 {value}，与目标 {target} 相差不到 5%，但按当前趋势无法达到目标。"),
    "decision.no_trend": ("{value} against a target of {target}; too few months of data for a trend.",
                          "当前 {value}，目标 {target}；月度数据太少，无法判断趋势。"),
    "decision.no_trend_near": ("{value} is within 5% of the target of {target}; too few months of data for a trend.",
                               "当前 {value}，与目标 {target} 相差不到 5%；月度数据太少，无法判断趋势。"),
    # pillars
    "pillar.data_quality": ("Data quality", "数据质量"),
    "pillar.process": ("Process efficiency", "流程效率"),
    "pillar.integration": ("System integration", "系统集成"),
    "pillar.service": ("IT service", "IT 服务"),
    "pillar.compliance": ("Security & compliance", "安全与合规"),
    "pillar.people": ("People capability", "人员能力"),
    "pillar.programme": ("Programme", "项目管理"),
    # metric page
    "metric.unknown": ("Unknown KPI", "未知指标"),
    "metric.owner": ("Owner", "负责人"),
    "metric.trend": ("Trend", "趋势"),
    "metric.breakdown": ("Breakdown", "分解"),
    "metric.breakdown_by": ("By", "维度"),
    "metric.drill_hint": ("Click a bar to drill down: {path}", "点击条形下钻：{path}"),
    "metric.drill_other": ("Drilling follows {path}; choose “{next}” to drill.",
                           "下钻路径为 {path}；选择“{next}”即可下钻。"),
    "metric.as_table": ("Show as a table", "以表格显示"),
    "metric.records": ("Records to fix", "待修正记录"),
    "metric.records_total": ("{total} records need fixing", "共 {total} 条记录需要修正"),
    "metric.records_none": ("No records need fixing here.", "此处没有需要修正的记录。"),
    "metric.records_page": ("Page {page} of {pages}", "第 {page} / {pages} 页"),
    "metric.no_drill": ("This KPI has no drill path.", "此指标没有下钻路径。"),
    "metric.not_filterable": ("{title} has no department dimension: the department filter does not apply, "
                              "the whole programme is shown.", "{title}没有部门维度：部门筛选不适用，显示整个项目的数据。"),
    "metric.export": ("Export", "导出"),
    "metric.export_trend": ("Trend as CSV", "趋势（CSV）"),
    "metric.export_breakdown": ("Breakdown as CSV", "分解（CSV）"),
    "metric.export_records": ("Records to fix as CSV", "待修正记录（CSV）"),
    "metric.export_png_trend": ("Trend as PNG", "趋势（PNG）"),
    "metric.export_png": ("Use the camera icon on a chart to save it as PNG.", "点击图表上的相机图标可保存为 PNG。"),
    "metric.milestones": ("Milestones linked to this KPI", "与此指标关联的里程碑"),
    "metric.no_data": ("No data in this period.", "此期间没有数据。"),
    # chart
    "chart.target": ("Target", "目标"),
    "chart.target_date": ("Target date", "目标日期"),
    "chart.projection": ("Projection", "预测"),
    "chart.milestones": ("Milestones", "里程碑"),
    "chart.rows": ("Rows", "行数"),
    "milestone.done": ("done", "已完成"),
    "milestone.in_progress": ("in progress", "进行中"),
    "milestone.not_started": ("not started", "未开始"),
    "milestone.blocked": ("blocked", "受阻"),
    "milestone.planned": ("planned {date}", "计划 {date}"),
    "milestone.actual": ("done {date}", "完成 {date}"),
    "milestone.due_soon": ("Due in the next 30 days", "未来 30 天到期"),
    # a milestone's outcome against its plan (the programme page's badges, bars and lists; the email's lists)
    "outcome.on_time": ("Done on time", "按期完成"),
    "outcome.late": ("Done late", "延期完成"),
    "outcome.in_progress": ("In progress", "进行中"),
    "outcome.overdue": ("Overdue", "已逾期"),
    "outcome.blocked": ("Blocked", "受阻"),
    "outcome.not_started": ("Not started", "未开始"),
    "outcome.done": ("Done", "已完成"),
    # how it is computed
    "explain.title": ("How this is computed", "计算方法"),
    "explain.measures": ("What it measures", "衡量内容"),
    "explain.kind": ("Kind", "类型"),
    "explain.source": ("Source", "数据源"),
    "explain.time_column": ("Time column", "时间字段"),
    "explain.formula": ("Formula", "公式"),
    "explain.row_filter": ("Row filter", "行筛选"),
    "explain.filters": ("Filters applied", "已应用的筛选"),
    "explain.baseline_period": ("Baseline period", "基线期"),
    "baseline.restated": ("Baseline restated: was {was}, the data now gives {now}", "基线已重述：原为 {was}，现数据为 {now}"),
    "baseline.kept": ("recorded {date} and still used", "记录于 {date}，仍沿用记录值"),
    "explain.rows": ("Rows counted", "计入行数"),
    "explain.as_of": ("Data as of", "数据截至"),
    "explain.computed_at": ("Computed at", "计算时间"),
    "explain.definition": ("Definition", "定义版本"),
    "explain.none": ("none", "无"),
    "explain.cli": ("The same number on the command line", "命令行中的同一数字"),
    "explain.sql": ("SQL run in the database", "在数据库中执行的 SQL"),
    "pushdown.yes": ("computed in the database", "在数据库中计算"),
    "pushdown.no": ("reads the filtered rows ({reason})", "读取筛选后的行（{reason}）"),
    "pushdown.from": ("computed from the numbers of {inputs}", "由 {inputs} 的数值计算"),
    # words several pages share (the maturity page's title is a link on the improvement page too)
    "word.kpi": ("KPI", "指标"),
    "word.change": ("Change", "变化"),
    "assessment.title": ("Programme maturity", "项目成熟度"),
    # errors
    "error.title": ("Vantage cannot show this", "Vantage 无法显示此内容"),
    "error.internal": ("An internal error occurred while showing this view; the details are in the server log.",
                       "显示此视图时发生内部错误，详情见服务器日志。"),
}


def register(strings: dict[str, tuple[str, str]]) -> None:
    """Add a page's or the email's own (en, zh) words; a key may be declared once only, so they cannot clash."""
    clash = set(strings) & set(STRINGS)
    if clash and any(STRINGS[k] != strings[k] for k in clash):
        raise ValueError(f"i18n keys declared twice with different words: {', '.join(sorted(clash))}. To fix this, "
                         "declare each key once; a word several pages or the email show belongs in core/i18n.py")
    wrong = sorted(k for k, texts in strings.items() if len(texts) != len(LANGUAGES))
    if wrong:
        raise ValueError(f"i18n keys without one text per language: {', '.join(wrong)}. To fix this, give each "
                         f"key its texts in the order of core.i18n.LANGUAGES {LANGUAGES}")
    STRINGS.update(strings)


def language(value: str | None, default: str = LANGUAGES[0]) -> str:
    """A supported language code: the value when it is one, else the default (English when that is none either)."""
    return value if value in LANGUAGES else (default if default in LANGUAGES else LANGUAGES[0])


def pick(texts: tuple[str, ...], lang: str) -> str:
    """The text for `lang` from texts given in the order of LANGUAGES; English for a language Vantage does not speak."""
    return texts[LANGUAGES.index(language(lang))]


@dataclass(frozen=True)
class Text:
    """The same words in English and Chinese: a declaration's own words (a metric's title), not a lookup key."""

    en: str
    zh: str

    def __call__(self, language: str) -> str:
        return pick((self.en, self.zh), language)


def t(key: str, lang: str, **values: object) -> str:
    """The words for a key in a language, with their placeholders filled; the key itself when unknown."""
    texts = STRINGS.get(key)
    if texts is None:
        return key
    text = pick(texts, lang)
    return text.format(**values) if values else text
