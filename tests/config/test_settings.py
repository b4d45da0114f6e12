"""Config loading: precedence, unknown keys, and errors that name the file and key."""
from __future__ import annotations

from pathlib import Path

import pytest

from config.settings import SETTINGS, load_config
from core.errors import ConfigError

TOML = """
[vantage]
port = 9000
language = "zh"

[sources.plant]
kind = "files"
path = "{config_dir}/data"
freshness_sla_hours = 12

[sources.plant.tables.scrap]
freshness_column = "day"
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "vantage.toml"
    path.write_text(text)
    return path


def test_precedence_cli_over_env_over_file_over_default(tmp_path: Path) -> None:
    path = write(tmp_path, TOML)
    assert load_config(str(path), environ={}).port == 9000
    assert load_config(str(path), environ={"VANTAGE_PORT": "9100"}).port == 9100
    assert load_config(str(path), {"port": 9200}, environ={"VANTAGE_PORT": "9100"}).port == 9200
    assert load_config(str(path), environ={}).host == "127.0.0.1"


def test_sources_are_parsed(tmp_path: Path) -> None:
    config = load_config(str(write(tmp_path, TOML)), environ={})
    plant = config.sources["plant"]
    assert (plant.kind, plant.freshness_sla_hours, plant.table("scrap").freshness_column) == ("files", 12.0, "day")
    assert plant.table("other").freshness_column == ""


def test_config_env_variable_selects_the_file(tmp_path: Path) -> None:
    path = write(tmp_path, TOML)
    assert load_config(None, environ={"VANTAGE_CONFIG": str(path)}).language == "zh"


@pytest.mark.parametrize("text, where, what", [
    ("[vantage]\nprot = 1\n", "[vantage]", "unknown setting 'prot'"),
    ("[vantage]\nport = 'x'\n", "[vantage] port", "bad value for port"),
    ("[sources.a]\nkind = 'oracle'\n", "[sources.a] kind", "source kind is 'oracle'"),
    ("[sources.a]\nkind = 'sql'\n", "[sources.a] url", "a sql source needs a url"),
    ("[sources.a]\nkind = 'sql'\nurl='sqlite://'\npasword_env='X'\n", "[sources.a]", "unknown key 'pasword_env'"),
    ("[sources.a]\nkind='files'\npath='.'\n[sources.a.tables.t]\nfresh='d'\n", "[sources.a].tables.t", "unknown key"),
    ("[dashboards]\n", "", "unknown section [dashboards]"),
    ("[vantage\n", "", "not valid TOML"),
])
def test_config_errors_name_file_key_and_fix(tmp_path: Path, text: str, where: str, what: str) -> None:
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as err:
        load_config(str(path), environ={})
    message = err.value.message
    assert str(path) in message and where in message and what in message and "To fix this" in message


def test_missing_config_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="does not exist"):
        load_config(str(tmp_path / "nope.toml"), environ={})


def test_every_setting_is_documented_in_the_readme() -> None:
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    missing = [s.name for s in SETTINGS if f"`{s.name}`" not in readme]
    assert not missing, f"settings without a line in README.md: {missing}"
    assert all(s.help for s in SETTINGS)
