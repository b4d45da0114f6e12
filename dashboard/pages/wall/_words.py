"""The wall screen's own words, in English and Chinese (registered once with core.i18n)."""
from __future__ import annotations

from core.i18n import register

register({
    "wall.name": ("Wall screen", "大屏"),
    "wall.playlists": ("Wall-screen playlists", "大屏播放列表"),
    "wall.unknown": ("There is no playlist named “{name}”.", "没有名为“{name}”的播放列表。"),
    "wall.none": ("No playlists are declared.", "尚未声明任何播放列表。"),
    "wall.not_yours": ("This screen's link opens the playlist “{name}” only.", "此屏幕的链接只能打开播放列表“{name}”。"),
    "wall.reconnecting": ("Reconnecting…", "正在重新连接…"),
    "wall.reconnecting_hint": ("showing the last numbers received", "显示最近收到的数据"),
    "wall.behind_sla": ("Older than its source's freshness limit: {names}", "超过数据源新鲜度时限：{names}"),
    "wall.last_good": ("Source failed, last good value shown: {names}", "数据源读取失败，显示最近一次有效值：{names}"),
    "wall.baseline": ("Baseline {baseline} → {now}", "基线 {baseline} → {now}"),
    "wall.attention": ("Needs attention", "需要关注"),
    "wall.all_on_track": ("Every other KPI is on track.", "其他指标均正常。"),
    "wall.counts": ("{on} on track · {risk} at risk · {off} off track", "{on} 项正常 · {risk} 项有风险 · {off} 项偏离目标"),
    "wall.cannot": ("{n} cannot be computed", "{n} 项无法计算"),
    "wall.too_few": ("{n} with too few records to judge", "{n} 项记录太少无法判断"),
    "wall.trend_from": ("Monthly since {month}", "自{month}起的月度趋势"),
    "wall.trend_target": ("dashed: target {target}", "虚线：目标 {target}"),
    "wall.plan_on": ("The whole plan on {date}", "截至{date}的整体计划"),
    "wall.programme": ("Programme plan", "项目计划"),
    "wall.milestones_done": ("milestones done", "里程碑已完成"),
    "wall.overdue": ("overdue", "已逾期"),
    "wall.phases": ("Phases", "阶段"),
    "wall.current_phase": ("now", "当前"),
    "wall.next_due": ("Overdue and next due", "逾期及即将到期"),
    "wall.due": ("due {date}", "{date}到期"),
    "wall.late": ("{days} days late", "逾期 {days} 天"),
    "wall.nothing_due": ("No open milestones.", "没有未完成的里程碑。"),
    "wall.not_in_role": ("The programme plan is not part of your role.", "项目计划不在您的角色权限内。"),
    "wall.not_filterable": ("No department dimension", "没有部门维度"),
})
