"""The master_records table: ownership, duplicates and data-quality problems that fade over time."""

from __future__ import annotations

import polars as pl

from demo.calendar import DAY_SECONDS
from demo.context import _Context
from demo.draws import _bits, _label, _pick, _pick_uniform, _ramp, _take, _uniform
from demo.master_texts import COUNTRIES, COUNTRY_NAMES, _master_texts
from demo.reference import DEPT_IDS, DEPT_INDEX

# ---------------------------------------------------------------------------
# master_records
# ---------------------------------------------------------------------------

# Master-record ownership: (domain, department, source_system, weight); materials ~45 %.
MASTER_COMBOS: tuple[tuple[str, str, str, float], ...] = (
    ("material", "procurement", "ERP", 0.12),
    ("material", "procurement", "SUPPLIER_PORTAL", 0.05),
    ("material", "production", "ERP", 0.10),
    ("material", "supply_chain", "ERP", 0.08),
    ("material", "supply_chain", "SUPPLIER_PORTAL", 0.015),
    ("material", "rnd_lab", "LIMS", 0.06),
    ("material", "rnd_lab", "ERP", 0.02),
    ("material", "it", "ERP", 0.005),
    ("customer", "sales", "CRM", 0.16),
    ("customer", "sales", "TRACE", 0.04),
    ("customer", "sales", "ERP", 0.04),
    ("customer", "finance", "FIN", 0.05),
    ("customer", "finance", "ERP", 0.04),
    ("supplier", "procurement", "SUPPLIER_PORTAL", 0.08),
    ("supplier", "procurement", "ERP", 0.03),
    ("supplier", "supply_chain", "SUPPLIER_PORTAL", 0.04),
    ("supplier", "supply_chain", "ERP", 0.02),
    ("supplier", "finance", "ERP", 0.03),
    ("supplier", "hr", "HRM", 0.01),
    ("supplier", "it", "ERP", 0.01),
)
DOMAINS: tuple[str, ...] = ("material", "customer", "supplier")
DOMAIN_PREFIX: tuple[str, ...] = ("MAT", "CUS", "SUP")
# A "wrong prefix" code borrows another domain's prefix.
DOMAIN_WRONG_PREFIX: tuple[str, ...] = ("SUP", "MAT", "CUS")

MASTER_DOMAIN = tuple(DOMAINS.index(c[0]) for c in MASTER_COMBOS)
MASTER_DEPT = tuple(DEPT_INDEX[c[1]] for c in MASTER_COMBOS)
MASTER_SYSTEM = tuple(c[2] for c in MASTER_COMBOS)
MASTER_WEIGHTS = tuple(c[3] for c in MASTER_COMBOS)
# A duplicate only copies a record that can never be a duplicate itself (its draw is above this).
DUP_SOURCE_MIN = 0.08
# Required fields, numbered in this order when one is picked to be broken or left empty.
FIELDS = ("code", "tax_id", "address", "country", "contact_email")
F_CODE, F_TAX_ID, F_ADDRESS, F_COUNTRY, F_EMAIL = range(len(FIELDS))


def _master_chunk(ctx: _Context, start: int, stop: int) -> pl.DataFrame:
    """Master records start..stop-1 (0-based), ready to insert."""
    s, n = ctx.seed, ctx.records
    idx = pl.int_range(start, stop, dtype=pl.UInt64, eager=True)
    secs = ctx.clock.seconds(idx, n, s, "m.time")
    combo = _pick(_uniform(idx, s, "m.combo"), MASTER_WEIGHTS)

    # Duplicates re-enter an entity created a little earlier by the same department.
    per_day = n / max(ctx.days, 1)
    reach = max(1, round(2 * per_day))
    offset = _pick_uniform(_uniform(idx, s, "m.dupoff"), reach).cast(pl.Int64) + 1
    src = idx.cast(pl.Int64) - offset
    src_idx = src.clip(0, None).cast(pl.UInt64)
    src_combo = _pick(_uniform(src_idx, s, "m.combo"), MASTER_WEIGHTS)
    src_secs = ctx.clock.seconds(src_idx, n, s, "m.time")
    src_dept = _take(MASTER_DEPT, src_combo, pl.UInt32)
    p_dup = _ramp(ctx.months_since_join(secs, src_dept), 0.075, 0.012, 2.5)
    dup = (
        (src >= 0)
        & (_uniform(idx, s, "m.dup") < p_dup)
        & (_uniform(src_idx, s, "m.dup") >= DUP_SOURCE_MIN)
        & (secs - src_secs <= 7 * DAY_SECONDS)
    )
    combo = pl.select(pl.when(dup).then(src_combo).otherwise(combo)).to_series()
    domain = _take(MASTER_DOMAIN, combo, pl.UInt32)
    dept = _take(MASTER_DEPT, combo, pl.UInt32)
    # Texts are a pure function of (index, domain): a duplicate evaluates them at its source.
    text_idx = pl.select(pl.when(dup).then(src_idx).otherwise(idx)).to_series()
    texts = _master_texts(ctx, text_idx, domain)

    # Data-quality problems fade after the owning department joins the programme.
    months = ctx.months_since_join(secs, dept)
    p_invalid = _ramp(months, 0.22, 0.03, 2.5)
    p_missing = _ramp(months, 0.16, 0.02, 2.5)
    invalid = _uniform(idx, s, "m.invalid") < p_invalid
    missing = _uniform(idx, s, "m.missing") < p_missing
    two_missing = _uniform(idx, s, "m.two") < 0.15
    u_field = _uniform(idx, s, "m.badfield")
    variant = _pick_uniform(_uniform(idx, s, "m.variant"), 5)

    digits = (_bits(idx, s, "m.code") % 1_000_000).cast(pl.String).str.zfill(6)
    frame = pl.DataFrame(
        {
            "record_id": (idx + 1).cast(pl.Int64),
            "domain_i": domain,
            "dept_i": dept,
            "combo": combo,
            "dup": dup,
            "secs": secs,
            "invalid": invalid,
            "missing": missing,
            "two_missing": two_missing,
            "u_field": u_field,
            "u_m1": _uniform(idx, s, "m.miss1"),
            "u_m2": _uniform(idx, s, "m.miss2"),
            "variant": variant,
            "dup_style": _pick_uniform(_uniform(idx, s, "m.dupstyle"), 5),
            "digits": digits,
            "country_i": texts["country"],
            "name0": texts["name"],
            "tax0": texts["tax_id"],
            "address0": texts["address"],
            "email0": texts["contact_email"],
        }
    )
    prefix = _label("domain_i", DOMAIN_PREFIX)
    wrong = _label("domain_i", DOMAIN_WRONG_PREFIX)
    # Which field carries the invalid value: materials mostly suffer from non-standard codes.
    is_material = pl.col("domain_i") == 0
    code_share = pl.when(is_material).then(0.55).otherwise(0.30)
    rest = (1.0 - code_share) / 3.0
    bad_field = (
        pl.when(~pl.col("invalid"))
        .then(-1)
        .when(pl.col("u_field") < code_share)
        .then(F_CODE)
        .when(pl.col("u_field") < code_share + rest)
        .then(F_TAX_ID)
        .when(pl.col("u_field") < code_share + 2 * rest)
        .then(F_EMAIL)
        .otherwise(F_COUNTRY)
    )
    frame = frame.with_columns(bad_field.alias("bad"), prefix.alias("prefix"), wrong.alias("wrong"))
    # Missing fields: one (sometimes two) of the five, never the field holding the invalid value;
    # counting on cyclically from the invalid field skips it without rejection sampling.
    a5 = (pl.col("u_m1") * 5).floor().cast(pl.Int64).clip(0, 4)
    a4 = (pl.col("u_m1") * 4).floor().cast(pl.Int64).clip(0, 3)
    b4 = (pl.col("u_m2") * 4).floor().cast(pl.Int64).clip(0, 3)
    b3 = (pl.col("u_m2") * 3).floor().cast(pl.Int64).clip(0, 2)
    has_bad = pl.col("bad") >= 0
    first = pl.when(has_bad).then((pl.col("bad") + 1 + a4) % 5).otherwise(a5)
    second = (
        pl.when(has_bad)
        .then((pl.col("bad") + 1 + (a4 + 1 + b3) % 4) % 5)
        .otherwise((a5 + 1 + b4) % 5)
    )
    frame = frame.with_columns(
        pl.when(pl.col("missing")).then(first).otherwise(-1).alias("miss1"),
        pl.when(pl.col("missing") & pl.col("two_missing"))
        .then(second)
        .otherwise(-1)
        .alias("miss2"),
    )

    def null_if_missing(expr: pl.Expr, field: int) -> pl.Expr:
        """Blank out a value when this field was picked as missing."""
        gone = (pl.col("miss1") == field) | (pl.col("miss2") == field)
        return pl.when(gone).then(pl.lit(None, dtype=pl.String)).otherwise(expr)

    v = pl.col("variant")
    d = pl.col("digits")
    p = pl.col("prefix")
    bad_code = (
        pl.when(v == 0)
        .then(pl.concat_str([p.str.to_lowercase(), pl.lit(" "), d]))
        .when(v == 1)
        .then(pl.concat_str([p.str.slice(0, 1), pl.lit("-"), d.str.slice(0, 5)]))
        .when(v == 2)
        .then(pl.concat_str([d, pl.lit("-"), p]))
        .when(v == 3)
        .then(pl.concat_str([p, d]))
        .otherwise(pl.concat_str([pl.col("wrong"), pl.lit("-"), d]))
    )
    standard_code = pl.concat_str([p, pl.lit("-"), d])
    code = pl.when(pl.col("bad") == F_CODE).then(bad_code).otherwise(standard_code)
    t = pl.col("tax0")
    bad_tax = (
        pl.when(v <= 1)
        .then(t.str.slice(0, 16 + v.cast(pl.Int64)))
        .otherwise(t.str.to_lowercase())
    )
    tax = pl.when(pl.col("bad") == F_TAX_ID).then(bad_tax).otherwise(t)
    e = pl.col("email0")
    bad_email = pl.when(v <= 2).then(e.str.replace("@", ".", literal=True)).otherwise(
        e.str.replace("@", " at ", literal=True)
    )
    email = pl.when(pl.col("bad") == F_EMAIL).then(bad_email).otherwise(e)
    iso = _label("country_i", COUNTRIES)
    long_name = _label("country_i", COUNTRY_NAMES)
    bad_country = pl.when(v <= 2).then(long_name).otherwise(iso.str.to_lowercase())
    country = pl.when(pl.col("bad") == F_COUNTRY).then(bad_country).otherwise(iso)
    # A re-keyed duplicate keeps the name but differs in case or surrounding spaces.
    n0 = pl.col("name0")
    style = pl.col("dup_style")
    dup_name = (
        pl.when(style == 0)
        .then(n0.str.to_lowercase())
        .when(style == 1)
        .then(n0.str.to_uppercase())
        .when(style == 2)
        .then(pl.concat_str([n0, pl.lit(" ")]))
        .when(style == 3)
        .then(pl.concat_str([pl.lit(" "), n0.str.to_lowercase()]))
        .otherwise(pl.concat_str([n0.str.to_uppercase(), pl.lit("  ")]))
    )
    name = pl.when(pl.col("dup")).then(dup_name).otherwise(n0)
    return frame.select(
        pl.col("record_id"),
        _label("domain_i", DOMAINS).alias("domain"),
        _label("dept_i", DEPT_IDS).alias("department"),
        _label("combo", MASTER_SYSTEM).alias("source_system"),
        name.alias("name"),
        null_if_missing(code, F_CODE).alias("code"),
        null_if_missing(tax, F_TAX_ID).alias("tax_id"),
        null_if_missing(pl.col("address0"), F_ADDRESS).alias("address"),
        null_if_missing(country, F_COUNTRY).alias("country"),
        null_if_missing(email, F_EMAIL).alias("contact_email"),
        ctx.timestamps(frame["secs"]).alias("updated_at"),
    )
