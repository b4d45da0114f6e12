"""The component ids of the metric page, in one place."""
from __future__ import annotations

from dashboard.pages._filters import FilterIds


class ids:
    VIEW = "metric-view"  # the URL's ViewState
    KEY = "metric-key"  # the metric shown
    FILTERS = FilterIds("metric")
    SUMMARY = "metric-summary"
    PROJECTION = "metric-projection"
    MILESTONES = "metric-milestones"
    TREND = "metric-trend"
    CRUMBS = "metric-crumbs"
    DIMENSION = "metric-dimension"
    DIMENSION_WRAP = "metric-dimension-wrap"
    HINT = "metric-hint"
    BREAKDOWN = "metric-breakdown"
    BREAKDOWN_WRAP = "metric-breakdown-wrap"
    BREAKDOWN_TABLE = "metric-breakdown-table"
    BREAKDOWN_ERROR = "metric-breakdown-error"
    RECORDS = "metric-records"
    RECORDS_WRAP = "metric-records-wrap"
    PAGER = "metric-pager"
    EXPLAIN = "metric-explain"
    EXPORT_TREND = "metric-export-trend"
    EXPORT_BREAKDOWN = "metric-export-breakdown"
    EXPORT_RECORDS = "metric-export-records"
    EXPORT_PNG = "metric-export-png"
    EXPORT_ERROR = "metric-export-error"
    DOWNLOAD = "metric-download"
    PNG_SINK = "metric-png-sink"
