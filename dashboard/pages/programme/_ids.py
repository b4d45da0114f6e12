"""The component ids of the programme page, in one place."""
from __future__ import annotations


class ids:
    VIEW = "programme-view"  # {"view": the URL's ViewState, "weeks": before/after weeks}
    CRUMBS = "programme-crumbs"
    WINDOW = "programme-window"
    NOTES = "programme-notes"
    TILES = "programme-tiles"
    STATS = "programme-stats"
    GANTT = "programme-gantt"
    GANTT_WRAP = "programme-gantt-wrap"
    GANTT_NOTE = "programme-gantt-note"
    OVERDUE = "programme-overdue"
    DUE = "programme-due"
    PROGRESS = "programme-progress"
    SCORECARD = "programme-scorecard"
    MILESTONE = "programme-milestone"
    IMPACT = "programme-impact"
    IMPACT_CHOSEN = "programme-impact-chosen"
    WEEKS = "programme-weeks"
    ISSUES = "programme-issues"
    RAID = "programme-raid"
    RAID_WRAP = "programme-raid-wrap"
