"""The programme page's words in English and Chinese (zh-CN), registered with core.i18n's string table.

Words the email or other pages show as well (a milestone's outcome, "Overdue", "KPI", "Owner" …) are declared once in
core.i18n.
"""
from __future__ import annotations

from core.i18n import register

STRINGS: dict[str, tuple[str, str]] = {
    "nav.programme": ("Programme", "项目群"),
    "programme.root": ("Whole programme", "整个项目群"),
    "programme.needs": ("This page shows the programme plan: declare the source that holds its phases, workstreams "
                        "and milestones tables under [sources.NAME] and name it with plan_source under [vantage].",
                        "此页面展示项目计划：请在 [sources.NAME] 下声明存放阶段（phases）、工作流（workstreams）和"
                        "里程碑（milestones）表的数据源，并在 [vantage] 下用 plan_source 指明它。"),
    "programme.window": ("Programme to date: {period}", "项目至今：{period}"),
    "programme.window_hint": ("Milestone KPIs count the milestones planned to finish in this period.",
                              "里程碑指标统计计划在此期间完成的里程碑。"),
    "programme.cli": ("Same number on the command line", "命令行中的同一数字"),
    "programme.bad_drill": ("{problem}; showing the level above", "{problem}；改为显示上一层"),
    "programme.unknown_phase": ("there is no phase '{value}' in the plan", "计划中没有阶段“{value}”"),
    "programme.unknown_workstream": ("there is no workstream '{value}' in this phase", "此阶段中没有工作流“{value}”"),
    "programme.unknown_milestone": ("there is no milestone '{value}' in this workstream",
                                    "此工作流中没有里程碑“{value}”"),
    "programme.unknown_kpi": ("milestone {milestone} does not name the KPI '{value}'",
                              "里程碑 {milestone} 未关联指标“{value}”"),
    # summary strip
    "programme.stat_done": ("Milestones done", "已完成里程碑"),
    "programme.stat_done_of": ("of {total} · {on_time} on time", "共 {total} 个 · 按期 {on_time} 个"),
    "programme.stat_overdue_note": ("past their planned end, not done", "已过计划完成日但未完成"),
    "programme.stat_due_note": ("until {date}", "截至 {date}"),
    "programme.stat_open": ("Still open", "尚未完成"),
    "programme.stat_open_note": ("{in_progress} in progress · {blocked} blocked · {not_started} not started",
                                 "进行中 {in_progress} · 受阻 {blocked} · 未开始 {not_started}"),
    # Gantt
    "programme.gantt": ("Plan and progress", "计划与进度"),
    "programme.gantt_hint": ("Click a bar or a name to drill down: phase → workstream → milestone.",
                             "点击条形或名称下钻：阶段 → 工作流 → 里程碑。"),
    "programme.gantt_empty": ("No milestone of this selection can be drawn; see the plan data issues.",
                              "所选范围内没有可绘制的里程碑；请查看计划数据问题。"),
    "programme.planned": ("Planned", "计划"),
    "programme.actual": ("Actual", "实际"),
    "programme.today": ("Today", "今天"),
    "programme.depends": ("{after} depends on {before}", "{after} 依赖 {before}"),
    "programme.days_late": ("+{days} d", "+{days} 天"),
    "programme.days_early": ("{days} d early", "提前 {days} 天"),
    "programme.days_overdue": ("{days} d overdue", "逾期 {days} 天"),
    "programme.on_plan": ("on plan", "按计划"),
    "programme.span": ("{start} – {end}", "{start} – {end}"),
    "programme.open_since": ("since {start}, open", "自 {start} 起，未完成"),
    # lists
    "programme.none_overdue": ("Nothing is overdue.", "没有逾期的里程碑。"),
    "programme.none_due": ("Nothing is due in the next 30 days.", "未来 30 天没有到期的里程碑。"),
    "programme.due_on": ("due {date}", "{date} 到期"),
    "programme.due_in": ("due {date}, in {days} d", "{date} 到期，还有 {days} 天"),
    # progress matrix
    "programme.progress": ("Progress by workstream and phase", "按工作流和阶段的进度"),
    "programme.progress_hint": ("Done of all milestones, then how many finished by their planned end and the mean "
                                "slip of those done.", "已完成/全部里程碑；其下为按期完成数和已完成里程碑的平均延误。"),
    "programme.workstream": ("Workstream", "工作流"),
    "programme.phase": ("Phase", "阶段"),
    "programme.total": ("Total", "合计"),
    "programme.cell_on_time": ("{on_time} on time", "按期 {on_time}"),
    "programme.cell_overdue": ("{count} overdue", "逾期 {count}"),
    "programme.slip_days": ("{days} d slip", "延误 {days} 天"),
    # scorecard
    "programme.scorecard": ("Phase scorecard", "阶段计分卡"),
    "programme.scorecard_hint": ("Each phase's KPI targets, judged on the phase's last month (the latest complete "
                                 "month while it runs).", "各阶段指标目标，按阶段最后一个月评估（进行中的阶段按最近一个完整月）。"),
    "programme.scorecard_none": ("The plan sets no phase targets here.", "计划未在此设定阶段目标。"),
    "programme.reached": ("Reached", "达成值"),
    "programme.judged": ("Month", "评估月份"),
    "programme.verdict": ("Verdict", "结论"),
    "verdict.met": ("Met", "达成"),
    "verdict.missed": ("Missed", "未达成"),
    "verdict.no_data": ("No data", "无数据"),
    "verdict.error": ("Cannot compute", "无法计算"),
    # data issues and RAID
    "programme.issues": ("Plan data issues", "计划数据问题"),
    "programme.issues_none": ("Every row of the plan could be used.", "计划中的每一行都可以使用。"),
    "programme.issues_count": ("{count} plan rows need fixing; the rest of the plan is shown.",
                               "{count} 条计划数据需要修正；其余计划照常显示。"),
    "programme.issue_table": ("Table", "表"),
    "programme.issue_row": ("Row", "行"),
    "programme.issue_problem": ("Problem", "问题"),
    "programme.issue_fix": ("How to fix it", "修正方法"),
    "programme.raid": ("RAID log", "RAID 日志（风险、假设、问题、依赖）"),
    "programme.raid_none": ("The RAID log has no entries here.", "RAID 日志在此没有条目。"),
    "programme.raid_title": ("Title", "标题"),
    "programme.raid_raised": ("Raised", "提出日期"),
    "programme.raid_due": ("Due", "到期日"),
    # milestone and what it moved
    "programme.milestone": ("Milestone", "里程碑"),
    "programme.lead": ("Workstream lead", "工作流负责人"),
    "programme.slip": ("Slip", "偏差"),
    "programme.depends_on": ("Depends on", "前置里程碑"),
    "programme.impact": ("What it moved", "带来的变化"),
    "programme.impact_hint": ("Each KPI the milestone names, {weeks} weeks before and after it finished; departments "
                              "in the phase's scope against those not yet in the programme.",
                              "里程碑关联的每个指标，完成前后各 {weeks} 周；本阶段范围内的部门对比尚未纳入项目的部门。"),
    "programme.weeks": ("Weeks before / after", "前后周数"),
    "programme.weeks_option": ("{weeks} weeks", "{weeks} 周"),
    "programme.no_kpis": ("This milestone names no KPIs.", "此里程碑未关联指标。"),
    "programme.group_scope": ("In scope", "范围内"),
    "programme.group_control": ("Control", "对照组"),
    "programme.group_scope_long": ("In the phase's scope: {departments}", "本阶段范围内：{departments}"),
    "programme.group_control_long": ("Not yet in the programme: {departments}", "尚未纳入项目：{departments}"),
    "programme.no_control": ("no control group: every department is already in the programme",
                             "无对照组：所有部门均已纳入项目"),
    "programme.no_departments": ("this KPI has no department dimension, so there is no scope or control group",
                                 "此指标没有部门维度，因此没有范围内组和对照组"),
    "programme.before": ("Before", "之前"),
    "programme.after": ("After", "之后"),
    "programme.net": ("Net of control", "扣除对照组"),
    "programme.net_note": ("in-scope change − control change", "范围内变化 − 对照组变化"),
    "programme.windows": ("Before {before} · after {after}", "之前 {before} · 之后 {after}"),
    "programme.after_short": ("only {days} days after it so far", "目前仅有完成后 {days} 天的数据"),
    "programme.after_none": ("the weeks after it have not started yet", "完成后的时段尚未开始"),
    "programme.finished_on": ("Measured around {date}", "以 {date} 为分界"),
    "programme.not_finished": ("{outcome} · not finished: no after-period yet", "{outcome} · 尚未完成：还没有完成后的时段"),
    "programme.done_undated": ("Done, but the plan gives no finish date: no after-period to compare",
                               "已完成，但计划未给出完成日期：没有可比较的完成后时段"),
    "programme.open_kpi": ("Open the KPI page", "打开指标页面"),
    "programme.choose_kpi": ("Choose a KPI to see its before and after in a chart.", "选择一个指标，以图表查看其前后变化。"),
    "programme.unavailable": ("Cannot compute: {message}", "无法计算：{message}"),
}

register(STRINGS)
