"""Numbers as people read them, by unit and language; the CLI, the dashboard and emails all use this."""
from __future__ import annotations

from metrics.semantics.model import Unit

WORDS = {
    "en": {Unit.HOURS: "h", Unit.DAYS: "days", Unit.PER_DAY: "/day", "pp": "pp", "none": "no data"},
    "zh": {Unit.HOURS: "小时", Unit.DAYS: "天", Unit.PER_DAY: "次/日", "pp": "个百分点", "none": "无数据"},
}


def _grouped(value: float, decimals: int) -> str:
    return f"{value:,.{decimals}f}"


def format_value(value: float | None, unit: Unit, language: str = "en") -> str:
    """A KPI value with its unit: 96.3%, 1,234 h, 3.4 days, CNY 2.01M (zh: ¥201.3万)."""
    words = WORDS.get(language, WORDS["en"])
    if value is None:
        return str(words["none"])
    if unit is Unit.PERCENT:
        return f"{value * 100:.1f}%"
    if unit is Unit.HOURS:
        return f"{_grouped(value, 1 if abs(value) < 100 else 0)} {words[Unit.HOURS]}"
    if unit is Unit.DAYS:
        return f"{value:.1f} {words[Unit.DAYS]}"
    if unit is Unit.CNY:
        return _money(value, language)
    if unit is Unit.PER_DAY:
        return f"{_grouped(value, 0)} {words[Unit.PER_DAY]}"
    if unit is Unit.SCORE:
        return f"{value:.2f} / 5"
    return _grouped(value, 0 if float(value).is_integer() else 1)


def _money(value: float, language: str) -> str:
    sign = "−" if value < 0 else ""
    amount = abs(value)
    if language == "zh":
        if amount >= 1e8:
            return f"{sign}¥{amount / 1e8:.2f}亿"
        if amount >= 1e4:
            return f"{sign}¥{amount / 1e4:.1f}万"
        return f"{sign}¥{amount:,.0f}"
    if amount >= 1e6:
        return f"{sign}CNY {amount / 1e6:.2f}M"
    if amount >= 1e3:
        return f"{sign}CNY {amount / 1e3:.0f}k"
    return f"{sign}CNY {amount:,.0f}"


# The decimals a value is shown with, as the fraction or number stored (a percentage 95.9% is 0.959): exports round
# their value columns to it, so a spreadsheet shows what the dashboard shows (raw values ride in *_raw columns).
PRECISION = {Unit.PERCENT: 3, Unit.HOURS: 1, Unit.DAYS: 1, Unit.CNY: 0, Unit.COUNT: 1, Unit.PER_DAY: 0,
             Unit.SCORE: 2}


def rounded(value: float | None, unit: Unit) -> float | None:
    """A value rounded to the precision it is shown with (PRECISION); None stays None."""
    return None if value is None else round(float(value), PRECISION[unit])


def format_delta(delta: float | None, unit: Unit, language: str = "en") -> str:
    """A change between periods: +2.1 pp for percentages, else the unit's own format with a sign."""
    if delta is None:
        return ""
    sign = "+" if delta > 0 else ("−" if delta < 0 else "±")
    if unit is Unit.PERCENT:
        return f"{sign}{abs(delta) * 100:.1f} {WORDS.get(language, WORDS['en'])['pp']}"
    return sign + format_value(abs(delta), unit, language)
