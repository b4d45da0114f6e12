"""Table read options: defaults per source, overrides per table, and errors that name the file, the key and the fix."""
from __future__ import annotations

from pathlib import Path

import pytest

from config.read_options import READ_OPTIONS, ReadOptions
from config.settings import load_config
from core.errors import ConfigError

TOML = """
[sources.erp]
kind = "files"
path = "."
null_values = ["", "-"]
dtypes = {amount = "Float64", "Posted On" = "Date"}
delimiter = ";"
encoding = "GBK"

[sources.erp.tables.costs]
dtypes = {amount = "Int64"}
time_format = "%d/%m/%Y"
header_row = 2
decimal_comma = true
sheet = "Costs 2026"

[sources.erp.tables.other]
freshness_column = "day"
"""


def load(tmp_path: Path, text: str):  # noqa: ANN201 - Config
    path = tmp_path / "vantage.toml"
    path.write_text(text)
    return load_config(str(path), environ={})


def test_a_table_takes_its_sources_options_and_overrides_them(tmp_path: Path) -> None:
    erp = load(tmp_path, TOML).sources["erp"]
    costs, other = erp.table("costs").read, erp.table("other").read
    assert costs == ReadOptions(null_values=("", "-"), dtypes={"amount": "Int64", "Posted On": "Date"},
                                time_format="%d/%m/%Y", delimiter=";", encoding="gbk", header_row=2,
                                decimal_comma=True, sheet="Costs 2026")
    assert other == ReadOptions(null_values=("", "-"), dtypes={"amount": "Float64", "Posted On": "Date"},
                                delimiter=";", encoding="gbk")
    assert erp.table("undeclared").read == other  # a table not declared reads with the source's options
    assert costs.time_columns("day") == {"Posted On": "Date", "day": "Date"}  # the freshness column too
    assert other.time_columns("day") == {"Posted On": "Date"}  # no time_format: only the declared dates
    assert ReadOptions(time_format="%d/%m/%Y %H:%M").time_columns("day") == {"day": "Datetime"}


def test_the_defaults_fit_real_exports() -> None:
    assert ReadOptions().null_values == ("", "NA", "N/A", "null")
    assert (ReadOptions().delimiter, ReadOptions().encoding, ReadOptions().header_row) == (",", "utf8", 0)


@pytest.mark.parametrize("section, line, where, what", [
    ("[sources.a]", "null_vales = ['NA']", "[sources.a]", "unknown key 'null_vales'"),
    ("[sources.a.tables.t]", "nul_values = ['NA']", "[sources.a].tables.t", "unknown key 'nul_values'"),
    ("[sources.a]", "sheet = 'x'", "[sources.a]", "unknown key 'sheet'"),
    ("[sources.a.tables.t]", "dtypes = {x = 'int'}", "[sources.a].tables.t dtypes", "unknown type 'int'"),
    ("[sources.a.tables.t]", "null_values = 'NA'", "[sources.a].tables.t null_values", "must be a list"),
    ("[sources.a.tables.t]", "time_format = 'dd/mm/yyyy'", "[sources.a].tables.t time_format", "strptime"),
    ("[sources.a.tables.t]", "delimiter = ';;'", "[sources.a].tables.t delimiter", "one character"),
    ("[sources.a]", "encoding = 'klingon'", "[sources.a] encoding", "unknown encoding"),
    ("[sources.a.tables.t]", "header_row = -1", "[sources.a].tables.t header_row", "row number"),
    ("[sources.a.tables.t]", "decimal_comma = 'yes'", "[sources.a].tables.t decimal_comma", "true or false"),
])
def test_a_wrong_option_names_file_key_and_fix(tmp_path: Path, section: str, line: str, where: str,
                                               what: str) -> None:
    text = "[sources.a]\nkind = 'files'\npath = '.'\n" + (f"{line}\n" if section == "[sources.a]" else
                                                           f"{section}\n{line}\n")
    with pytest.raises(ConfigError) as err:
        load(tmp_path, text)
    message = err.value.message
    assert str(tmp_path / "vantage.toml") in message and where in message and what in message
    assert "To fix this" in message


def test_every_read_option_is_documented_in_the_readme() -> None:
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    missing = [o.name for o in READ_OPTIONS if f"`{o.name}`" not in readme]
    assert not missing, f"read options without a line in README.md: {missing}"
    assert all(o.help for o in READ_OPTIONS)
