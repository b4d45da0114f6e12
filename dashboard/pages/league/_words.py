"""The league page's words, in English and Chinese (registered once with dashboard.i18n)."""
from __future__ import annotations

from core.i18n import register

register({
    "nav.league": ("League table", "部门排名"),
    "league.title": ("Department league table", "部门排名表"),
    "league.method": (
        "Ranked by the share of each department's KPIs that meet their target; KPIs whose target is for the whole "
        "programme (sums) are shown, not ranked. Arrows: places gained or lost since the previous period.",
        "按各部门达标指标的比例排名；目标针对整个项目的指标（合计类）只显示、不参与排名。箭头：较上期上升或下降的名次。"),
    "league.rank": ("Rank", "名次"),
    "league.department": ("Department", "部门"),
    "league.score": ("On target", "达标"),
    "league.score_of": ("{on} of {judged}", "{judged} 项中 {on} 项"),
    "league.change": ("Change", "变化"),
    "league.ranked": ("Ranked KPIs (target per department)", "参与排名的指标（按部门设定目标）"),
    "league.unranked": ("Programme totals (not ranked)", "项目合计（不排名）"),
    "league.previous": ("{period}: {value}", "{period}：{value}"),
    "league.rank_was": ("Rank {rank} in {period}", "{period}排名第 {rank}"),
    "league.export": ("Export CSV", "导出 CSV"),
    "league.dept_note": ("The department filter highlights its row.", "部门筛选用于高亮该部门所在行。"),
    "league.scoped": ("Ranks compare every department, so they are shown to programme-wide roles only; your row "
                      "shows your department's numbers.", "名次需要比较所有部门，因此仅向全项目角色显示；此处显示您所在部门的数据。"),
    "league.empty": ("No department has data in this period.", "此期间没有部门数据。"),
    "league.sort": ("Sort by {column}", "按{column}排序"),
    "league.legend": ("Cell colour: on target · within 5% · off target; grey: no status",
                      "单元格颜色：达标 · 相差5%以内 · 未达标；灰色：无状态"),
})
