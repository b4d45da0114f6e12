"""Every string the dashboard shows, in English and Chinese (zh-CN); numbers come from metrics.format."""
from __future__ import annotations

LANGUAGES = ("en", "zh")

# key: (English, Chinese). Placeholders in braces are filled by t(..., name=value).
STRINGS: dict[str, tuple[str, str]] = {
    # shell
    "app.tagline": ("Information-management programme", "信息化管理项目"),
    "nav.overview": ("Overview", "总览"),
    "nav.main": ("Main navigation", "主导航"),
    "lang.switch": ("Language", "语言"),
    "theme.light": ("Light theme", "浅色主题"),
    "theme.dark": ("Dark theme", "深色主题"),
    "theme.switch": ("Switch theme", "切换主题"),
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
    "tile.target": ("Target", "目标"),
    "tile.target_by": ("Target {target} by {date}", "目标 {target}（{date}前）"),
    "tile.target_only": ("Target {target}", "目标 {target}"),
    "tile.no_target": ("No target set", "未设定目标"),
    "tile.as_of": ("Data as of {time}", "数据截至 {time}"),
    "tile.as_of_unknown": ("Data time unknown", "数据时间未知"),
    "tile.stale": ("Stale", "数据陈旧"),
    "tile.stale_sla": ("The source is older than its freshness limit.", "数据源超过了新鲜度时限。"),
    "tile.last_good": ("Last good value, the source failed: {reason}", "显示最近一次有效值，数据源读取失败：{reason}"),
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
    # pillars
    "pillar.data_quality": ("Data quality", "数据质量"),
    "pillar.process": ("Process efficiency", "流程效率"),
    "pillar.integration": ("System integration", "系统集成"),
    "pillar.service": ("IT service", "IT 服务"),
    "pillar.compliance": ("Security & compliance", "安全与合规"),
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
    # projection
    "projection.met": ("The target is met.", "已达到目标。"),
    "projection.eta": ("At the current pace the target is reached in about {months} months ({when}).",
                       "按当前趋势，约 {months} 个月后（{when}）达到目标。"),
    "projection.late": ("That is after the target date, {date}.", "晚于目标日期 {date}。"),
    "projection.in_time": ("That is before the target date, {date}.", "早于目标日期 {date}。"),
    "projection.never": ("At the current pace the target is not reached.", "按当前趋势无法达到目标。"),
    "projection.no_target": ("This KPI has no target.", "此指标没有设定目标。"),
    # chart
    "chart.value": ("Value", "数值"),
    "chart.target": ("Target", "目标"),
    "chart.target_date": ("Target date", "目标日期"),
    "chart.baseline": ("Baseline", "基线"),
    "chart.projection": ("Projection", "预测"),
    "chart.milestones": ("Milestones", "里程碑"),
    "chart.period": ("Selected period", "所选期间"),
    "chart.rows": ("Rows", "行数"),
    "milestone.done": ("done", "已完成"),
    "milestone.in_progress": ("in progress", "进行中"),
    "milestone.not_started": ("not started", "未开始"),
    "milestone.blocked": ("blocked", "受阻"),
    "milestone.planned": ("planned {date}", "计划 {date}"),
    "milestone.actual": ("done {date}", "完成 {date}"),
    # how it is computed
    "explain.title": ("How this is computed", "计算方法"),
    "explain.kind": ("Kind", "类型"),
    "explain.source": ("Source", "数据源"),
    "explain.time_column": ("Time column", "时间字段"),
    "explain.formula": ("Formula", "公式"),
    "explain.row_filter": ("Row filter", "行筛选"),
    "explain.filters": ("Filters applied", "已应用的筛选"),
    "explain.period": ("Period", "期间"),
    "explain.baseline_period": ("Baseline period", "基线期"),
    "explain.rows": ("Rows counted", "计入行数"),
    "explain.as_of": ("Data as of", "数据截至"),
    "explain.computed_at": ("Computed at", "计算时间"),
    "explain.definition": ("Definition", "定义版本"),
    "explain.none": ("none", "无"),
    "explain.cli": ("The same number on the command line", "命令行中的同一数字"),
    # errors
    "error.title": ("Vantage cannot show this", "Vantage 无法显示此内容"),
    "error.internal": ("An internal error occurred while showing this view; the details are in the server log.",
                       "显示此视图时发生内部错误，详情见服务器日志。"),
}


def register(strings: dict[str, tuple[str, str]]) -> None:
    """Add a page's own (en, zh) strings; a key may be declared once only, so pages cannot clash."""
    clash = set(strings) & set(STRINGS)
    if clash and any(STRINGS[k] != strings[k] for k in clash):
        raise ValueError(f"i18n keys declared twice: {', '.join(sorted(clash))}")
    STRINGS.update(strings)


def language(value: str | None, default: str = "en") -> str:
    """A supported language code: the value when it is one, else the default."""
    return value if value in LANGUAGES else (default if default in LANGUAGES else "en")


def t(key: str, lang: str, **values: object) -> str:
    """The string for a key in a language, with its placeholders filled; the key itself when unknown."""
    pair = STRINGS.get(key)
    if pair is None:
        return key
    text = pair[1] if lang == "zh" else pair[0]
    return text.format(**values) if values else text
