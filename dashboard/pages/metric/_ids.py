"""The component ids of the metric page, in one place."""
from __future__ import annotations

from dashboard.filters import FilterIds


class ids:
    VIEW = "metric-view"  # the view shown
    ADDRESS = "metric-address"  # the address after the back button or a link changed it (assets/metric.js)
    GO = "metric-go"  # a step the server worked out: {search, view}
    SHOWN = "metric-shown"  # the breakdown and record page on screen, to tell a user's choice from a redraw
    STEP = "metric-step"  # the user's last choice of breakdown, record page or sort
    KEY = "metric-key"  # the metric shown
    FILTERS = FilterIds("metric")
    SUMMARY = "metric-summary"
    PROJECTION = "metric-projection"
    MILESTONES = "metric-milestones"
    TREND = "metric-trend"
    TREND_GRAPH = "metric-trend-graph"
    TREND_NOTE = "metric-trend-note"
    CRUMBS = "metric-crumbs"
    DIMENSION = "metric-dimension"
    DIMENSION_WRAP = "metric-dimension-wrap"
    DIMENSION_SLOT = "metric-dimension-slot"
    HINT = "metric-hint"
    BREAKDOWN = "metric-breakdown"
    BREAKDOWN_WRAP = "metric-breakdown-wrap"
    BREAKDOWN_TABLE = "metric-breakdown-table"
    BREAKDOWN_ERROR = "metric-breakdown-error"
    RECORDS = "metric-records"
    RECORDS_WRAP = "metric-records-wrap"
    PAGER = "metric-pager"
    PAGER_SLOT = "metric-pager-slot"
    EXPLAIN = "metric-explain"
    EXPORT_TREND = "metric-export-trend"
    EXPORT_BREAKDOWN = "metric-export-breakdown"
    EXPORT_RECORDS = "metric-export-records"
    EXPORT_PNG = "metric-export-png"
    EXPORT_ERROR = "metric-export-error"
    DOWNLOAD = "metric-download"
    PNG_SINK = "metric-png-sink"
