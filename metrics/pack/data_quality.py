"""Data-quality pillar: master-data accuracy, completeness, duplicates and code standardization."""
from __future__ import annotations

import polars as pl

from metrics.semantics.dataset import Dataset
from metrics.semantics.model import Direction, Pillar, Text
from metrics.semantics.registry import register
from metrics.semantics.shapes import problem_unless, ratio, share

MASTER_RECORDS = Dataset(
    "master_records", source="demo", table="master_records", time_column="updated_at",
    dimensions=("department", "source_system", "domain"), primary_key=("record_id",),
    detail_columns=("record_id", "domain", "department", "source_system", "name", "code", "tax_id", "country",
                    "contact_email", "address", "updated_at"))
OWNER = "Head of Data Governance"
REQUIRED_FIELDS = ("code", "tax_id", "address", "country", "contact_email")
COUNTRIES = ("CN", "DE", "US", "JP", "SG", "FR", "GB", "CH")

CODE_PREFIXES = {"material": "MAT-", "customer": "CUS-", "supplier": "SUP-"}  # the coding standard, per domain

# Each rule judges a value that is present; a missing value is a completeness problem, not an accuracy one.
# (Prefix by domain with starts_with: slicing and upper-casing every row's domain cost twice as much.)
PREFIX_FITS_DOMAIN = pl.any_horizontal(
    [(pl.col("domain") == domain) & pl.col("code").str.starts_with(prefix) for domain, prefix in CODE_PREFIXES.items()])
BAD_CODE = pl.col("code").is_not_null() & ~(pl.col("code").str.contains(r"^[A-Z]{3}-[0-9]{6}$") & PREFIX_FITS_DOMAIN)
BAD_TAX_ID = pl.col("tax_id").is_not_null() & ~pl.col("tax_id").str.contains(r"^[0-9A-Z]{18}$")
BAD_EMAIL = pl.col("contact_email").is_not_null() & ~pl.col("contact_email").str.contains(
    r"^[a-z0-9._]+@[a-z0-9-]+\.[a-z]{2,}$")
BAD_COUNTRY = pl.col("country").is_not_null() & ~pl.col("country").is_in(COUNTRIES)
ACCURATE = ~(BAD_CODE | BAD_TAX_ID | BAD_EMAIL | BAD_COUNTRY)
FAILED_RULES = pl.concat_str(
    [pl.when(BAD_CODE).then(pl.lit("non-standard code")), pl.when(BAD_TAX_ID).then(pl.lit("invalid tax id")),
     pl.when(BAD_EMAIL).then(pl.lit("invalid email")), pl.when(BAD_COUNTRY).then(pl.lit("unknown country code"))],
    separator=", ", ignore_nulls=True)
PRESENT_FIELDS = pl.sum_horizontal([pl.col(c).is_not_null().cast(pl.Int64) for c in REQUIRED_FIELDS])
MISSING_FIELDS = pl.concat_str([pl.when(pl.col(c).is_null()).then(pl.lit(f"missing {c}")) for c in REQUIRED_FIELDS],
                               separator=", ", ignore_nulls=True)
DUPLICATE_KEY = [pl.col("domain"), pl.col("name").str.strip_chars().str.to_lowercase(), pl.col("tax_id").fill_null("")]
STANDARD_CODE = pl.col("code").fill_null("").str.contains(r"^MAT-[0-9]{6}$")


def declare() -> None:
    register(
        share("data_accuracy", MASTER_RECORDS, ACCURATE, good=Direction.UP, target=0.96, pillar=Pillar.DATA_QUALITY,
              owner=OWNER, title=Text("Data accuracy", "数据准确率"),
              description=Text(
                  "Share of master records created or changed in the period whose values pass every validation rule "
                  "(standard code for the domain, 18-character tax id, valid email, ISO country code).",
                  "期间内新建或变更的主数据记录中，所有字段值均通过校验规则（编码符合所属域标准、18位税号、有效邮箱、ISO国家代码）的比例。"),
              problems=FAILED_RULES),
        ratio("data_completeness", MASTER_RECORDS, PRESENT_FIELDS.sum(), pl.len() * len(REQUIRED_FIELDS),
              good=Direction.UP, target=0.99, pillar=Pillar.DATA_QUALITY, owner=OWNER,
              title=Text("Data completeness", "数据完整率"),
              description=Text(
                  "1 − missing required fields ÷ required fields, over master records created or changed in the "
                  "period (required: code, tax id, address, country, contact email).",
                  "1 − 缺失必填字段数 ÷ 必填字段总数，统计期间内新建或变更的主数据记录（必填：编码、税号、地址、国家、联系邮箱）。"),
              problems=MISSING_FIELDS, needs_fixing=PRESENT_FIELDS < len(REQUIRED_FIELDS)),
        ratio("duplicate_records", MASTER_RECORDS, pl.len() - pl.struct(DUPLICATE_KEY).n_unique(), pl.len(),
              good=Direction.DOWN, target=0.01, pillar=Pillar.DATA_QUALITY, owner=OWNER,
              title=Text("Duplicate master records", "重复主数据记录"),
              description=Text(
                  "Share of master records in the period that repeat another record of the same domain with the same "
                  "name (ignoring case and spaces) and tax id.",
                  "期间内与同一数据域中名称（忽略大小写和空格）及税号相同的其他记录重复的主数据记录比例。"),
              problems=pl.lit("duplicate of another record"), needs_fixing=pl.len().over(DUPLICATE_KEY) > 1),
        share("code_standardization", MASTER_RECORDS, STANDARD_CODE, good=Direction.UP, target=0.98,
              pillar=Pillar.DATA_QUALITY, owner=OWNER, title=Text("Material code standardization", "物料编码标准化率"),
              description=Text(
                  "Share of material master records whose code follows the standard MAT-nnnnnn; non-unified material "
                  "codes inflate procurement cost.",
                  "物料主数据中编码符合 MAT-nnnnnn 标准的比例；编码不统一会推高采购成本。"),
              row_filter=pl.col("domain") == "material",
              problems=problem_unless(STANDARD_CODE, "non-standard material code")),
    )
