"""The league page's words, in English and Chinese (registered once with core.i18n)."""
from __future__ import annotations

from core.i18n import register

register({
    "nav.league": ("League table", "部门排名"),
    "league.title": ("Department league table", "部门排名表"),
    "league.needs": ("This page ranks departments: give at least one KPI a '{dimension}' dimension, the column that "
                     "names each record's department.",
                     "此页面对各部门排名：请至少为一个指标声明“{dimension}”维度，即标明每条记录所属部门的列。"),
    "league.method": (
        "Ranked by the share of each department's KPIs that meet their target: the same target as the programme's "
        "for rates, averages and durations, the department's own for sums such as hours saved. A KPI with too few "
        "records or no target for the department is not counted. Arrows: places gained or lost since the previous "
        "period.",
        "按各部门达标指标的比例排名：比率、平均值和时长类指标与项目目标相同，工时节省等合计类指标使用部门自己的目标。"
        "记录太少或该部门没有目标的指标不计入。箭头：较上期上升或下降的名次。"),
    "league.rank": ("Rank", "名次"),
    "league.score": ("On target", "达标"),
    "league.score_of": ("{on} of {judged}", "{judged} 项中 {on} 项"),
    "league.ranked": ("Ranked KPIs (a target for each department)", "参与排名的指标（每个部门都有目标）"),
    "league.unranked": ("Programme totals (no department target, not ranked)", "项目合计（无部门目标，不排名）"),
    "league.previous": ("{period}: {value}", "{period}：{value}"),
    "league.rank_was": ("Rank {rank} in {period}", "{period}排名第 {rank}"),
    "league.export": ("Export CSV", "导出 CSV"),
    "league.dept_note": ("The department filter highlights its row.", "部门筛选用于高亮该部门所在行。"),
    "league.scoped": ("Ranks compare every department, so they are shown to programme-wide roles only; your row "
                      "shows your department's numbers.", "名次需要比较所有部门，因此仅向全项目角色显示；此处显示您所在部门的数据。"),
    "league.empty": ("No department has data in this period.", "此期间没有部门数据。"),
    "league.sort": ("Sort by {column}", "按{column}排序"),
    "league.legend": ("Cell colour: on track · at risk · off track · too few records; no colour: no status",
                      "单元格颜色：正常 · 有风险 · 偏离目标 · 记录太少；无颜色：无状态"),
})
