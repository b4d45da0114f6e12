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
    WHY = "metric-why"
    CHECKINS = "metric-checkins"  # the owner's check-ins, newest first
    CHECKIN_FORM = "metric-checkin-form"
    CHECKIN_PERIOD = "metric-checkin-period"
    CHECKIN_STATUS = "metric-checkin-status"
    CHECKIN_NOTE = "metric-checkin-note"
    CHECKIN_SUBMIT = "metric-checkin-submit"
    CHECKIN_MESSAGE = "metric-checkin-message"
    CHECKIN_SAVED = "metric-checkin-saved"  # set when one is written: the timeline is drawn again
    EXPORT_TREND = "metric-export-trend"
    EXPORT_BREAKDOWN = "metric-export-breakdown"
    EXPORT_RECORDS = "metric-export-records"
    EXPORT_PNG = "metric-export-png"
    EXPORT_ERROR = "metric-export-error"
    DOWNLOAD = "metric-download"
    PNG_SINK = "metric-png-sink"
