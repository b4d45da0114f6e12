"""The snapshot email's own words in English and Chinese (zh-CN), registered with core.i18n under `mail.` keys.

Ask for them with `core.i18n.t("mail....", lang)` after importing this module. Words the email shares with the
dashboard (statuses, pillars, a tile's target and baseline, "Overdue" …) are core.i18n's own keys.
"""
from __future__ import annotations

from core.i18n import register

# key: (English, Chinese). Placeholders in braces are filled by t(..., name=value).
register({
    "mail.sep": (": ", "："),
    "mail.subject": ("Vantage · {title} · {period}", "Vantage · {title} · {period}"),
    "mail.subject.incomplete": ("[Incomplete] ", "【数据不完整】"),
    "mail.title.default": ("KPI snapshot", "指标快照"),
    "mail.header.period": ("Period: {period}", "期间：{period}"),
    "mail.header.sent": ("Prepared {when}", "生成于 {when}"),
    "mail.header.as_of": ("Oldest source data as of {when}", "最早的数据源截至 {when}"),
    "mail.failure.title": ("This snapshot is incomplete", "本期快照数据不完整"),
    "mail.failure.intro": ("{count} part(s) of this snapshot could not be computed or are out of date. They are marked "
                           "where they appear; do not read them as current.",
                           "本快照有 {count} 项内容无法计算或已过期，已在相应位置标出，请勿当作最新数据使用。"),
    "mail.trouble.failed": ("Could not be computed", "无法计算"),
    "mail.trouble.last_good": ("Not current: the source failed; this is the last good value, computed {when}",
                               "非最新数据：数据源读取失败，此为 {when} 计算的最近一次有效值"),
    "mail.trouble.behind_sla": ("Not current: the source's data, as of {when}, is older than its freshness limit",
                                "非最新数据：数据源的数据（截至 {when}）超过了新鲜度时限"),
    "mail.trouble.chart": (" (chart)", "（图表）"),
    "mail.late.title": ("Sent late", "延迟发送"),
    "mail.late.body": ("This snapshot was due at {due} but the scheduler was not running then. The numbers are as of "
                       "now, not as of the due time.", "本快照原定于 {due} 发送，但当时调度程序未运行。数据为当前数据，而非原定时间的数据。"),
    "mail.late.merged": ("It also stands for {count} earlier scheduled send(s) missed while the scheduler was down "
                         "(the first due at {first}).", "它同时代替了调度程序停止期间错过的 {count} 次发送（最早一次原定于 {first}）。"),
    "mail.changes.title": ("What changed since the last snapshot", "自上次快照以来的变化"),
    "mail.changes.since": ("Compared with the snapshot sent {when}.", "与 {when} 发送的快照相比。"),
    "mail.changes.first": ("This is the first snapshot sent; the next one will show what changed.",
                           "这是首次发送的快照；下一期将显示变化。"),
    "mail.changes.none": ("No KPI moved and no status changed.", "指标数值与状态均无变化。"),
    "mail.changes.movers": ("Biggest movers", "变化最大的指标"),
    "mail.changes.status": ("Status changes", "状态变化"),
    "mail.why.slice": ("↳ {slice} {change}: {then} → {now}, share {share_then} → {share_now}",
                       "↳ {slice} {change}：{then} → {now}，占比 {share_then} → {share_now}"),
    "mail.alert.subject": ("Vantage alert: {metric} ({name})", "Vantage 提醒：{metric}（{name}）"),
    "mail.alert.off_track": ("{metric} became off track in {period}: {value}.", "{metric}在{period}偏离目标：{value}。"),
    "mail.alert.not_off_track": ("{metric} in {period}: {value}, {status}; the alert fires when it becomes off track.",
                                 "{metric}在{period}：{value}，{status}；变为偏离目标时发出提醒。"),
    "mail.alert.crossed": ("{metric} went {side} {threshold} in {period}: {value}.",
                           "{metric}在{period}{side} {threshold}：{value}。"),
    "mail.alert.not_crossed": ("{metric} in {period}: {value}; the alert fires when it goes {side} {threshold}.",
                               "{metric}在{period}：{value}；{side} {threshold} 时发出提醒。"),
    "mail.alert.above": ("above", "高于"),
    "mail.alert.below": ("below", "低于"),
    "mail.alert.stale": ("The data behind {metric} is behind: its newest row is from {when}, more than {hours} hours "
                         "ago.",
                         "{metric} 的数据已滞后：最新一行来自 {when}，已超过 {hours} 小时。"),
    "mail.alert.fresh": ("The data behind {metric} is within {hours} hours.", "{metric} 的数据在 {hours} 小时以内。"),
    "mail.alert.unreadable": ("The source of {metric} cannot be read: {reason}.", "无法读取 {metric} 的数据源：{reason}。"),
    "mail.alert.open": ("Open it on the dashboard: {link}", "在仪表板上查看：{link}"),
    "mail.alert.owner": ("KPI owner: {owner}", "指标负责人：{owner}"),
    "mail.alert.footer": ("You receive this because you are a recipient of the alert “{name}” in the Vantage config.",
                          "您收到此邮件，是因为您是 Vantage 配置中提醒“{name}”的收件人。"),
    "mail.why.across": ("↳ across slices {change}", "↳ 跨维度部分 {change}"),
    "mail.kpis.title": ("KPIs", "关键指标"),
    "mail.kpis.delta": ("{delta} vs previous period", "较上期 {delta}"),
    "mail.charts.title": ("Trends", "趋势"),
    "mail.charts.failed": ("This chart could not be drawn ({reason}). Open it on the dashboard: {href}",
                           "此图表无法生成（{reason}）。请在仪表板中查看：{href}"),
    "mail.charts.no_data": ("No data to draw for this chart.", "此图表没有可绘制的数据。"),
    "mail.charts.alt": ("{title}: monthly trend; {period}: {value}, target {target}",
                        "{title}：月度趋势；{period}：{value}，目标 {target}"),
    "mail.programme.title": ("Programme status", "项目进展"),
    "mail.programme.none_overdue": ("No milestone is overdue.", "没有逾期的里程碑。"),
    "mail.programme.none_upcoming": ("No milestone falls due in the next 30 days.", "未来 30 天没有到期的里程碑。"),
    "mail.programme.due": ("due {date}", "计划 {date}"),
    "mail.footer.open": ("Open the dashboard", "打开仪表板"),
    "mail.footer.numbers": ("Every number links to its view on the dashboard. The attached CSV holds each value as "
                            "shown and, in its *_raw columns, unrounded.",
                            "每个数字都链接到仪表板上的对应视图。附件 CSV 含显示值，*_raw 列为未经舍入的原始值。"),
    "mail.footer.why": ("You receive this because you are a recipient of the snapshot “{name}” in the Vantage config.",
                        "您收到此邮件是因为您是 Vantage 配置中快照“{name}”的收件人。"),
    "mail.footer.id": ("Snapshot {id}", "快照 {id}"),
    "mail.csv.name": ("vantage-{name}-{date}.csv", "vantage-{name}-{date}.csv"),
    "mail.pdf.name": ("vantage-{name}-{date}.pdf", "vantage-{name}-{date}.pdf"),
})
