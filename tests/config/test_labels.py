"""config/labels.py: the [labels] section as a config declares it, and a clear error (file, key, fix) for each
way it can be written wrong."""
from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from config.settings import load_config
from core.errors import ConfigError
from demo.reference import DEPARTMENTS, PROCESS_TYPES


def config_with(tmp_path: Path, text: str, environ: dict[str, str] | None = None):  # noqa: ANN201 - Config
    path = tmp_path / "vantage.toml"
    path.write_text(text, encoding="utf-8")
    return load_config(str(path), environ=environ or {})


def test_the_demo_names_its_reference_values_as_the_demo_data_does() -> None:
    names = load_config(None, environ={}).labels
    assert {k: v for k, v in names.of("department").items()} == {d[0]: (d[1], d[2]) for d in DEPARTMENTS}
    assert {k: v for k, v in names.of("process").items()} == {p[0]: (p[1], p[2]) for p in PROCESS_TYPES}
    assert names.of("source_system") == names.of("target_system") == names.of("system") != {}


def test_names_in_both_shapes_and_a_dimension_named_like_another(tmp_path: Path) -> None:
    names = config_with(tmp_path, '''
[labels]
owner_team = "team"
[labels.team]
north = ["North plant", "北厂"]
hq = "Head office"
"Team 7" = ["Seventh", "第七组"]
''').labels
    assert dict(names.of("team")) == {"north": ("North plant", "北厂"), "hq": ("Head office", "Head office"),
                                      "Team 7": ("Seventh", "第七组")}
    assert names.of("owner_team") == names.of("team") and dict(names.of("region")) == {}


def test_a_config_without_labels_names_nothing(tmp_path: Path) -> None:
    names = config_with(tmp_path, '[vantage]\nlanguage = "zh"\n').labels
    assert (dict(names.names), dict(names.same_as)) == ({}, {})


@pytest.mark.parametrize("text, message, where", [
    ("labels = 3\n", "labels is not a table", "labels"),
    ("[labels]\nteam = 3\n", "labels for 'team' are neither", "[labels] team"),
    ("[labels.team]\nnorth = 3\n", "a name must be a text or [English, Chinese]", "[labels.team] north"),
    ('[labels.team]\nnorth = ["a", "b", "c"]\n', "not ['a', 'b', 'c']", "[labels.team] north"),
    ('[labels.team]\nnorth = ["", "北"]\n', "a name must be", "[labels.team] north"),
    ('[labels.team]\nnorth = ["North", 2]\n', "a name must be", "[labels.team] north"),
    ('[labels]\nowner_team = "team"\n', "named like 'team', which has no [labels.team]", "[labels] owner_team"),
])
def test_a_wrong_declaration_names_the_file_and_key(tmp_path: Path, text: str, message: str, where: str) -> None:
    with pytest.raises(ConfigError) as caught:
        config_with(tmp_path, text)
    assert message in caught.value.what
    assert caught.value.where == f"{tmp_path / 'vantage.toml'} {where}"
    assert caught.value.fix


def test_labels_is_a_known_section_and_the_demo_declares_it() -> None:
    raw = tomllib.loads((Path(__file__).resolve().parents[2] / "config" / "demo.toml").read_text(encoding="utf-8"))
    assert {"department", "system", "domain"} <= set(raw["labels"])


@pytest.mark.parametrize("text, environ, expected", [
    ("", {}, "department"),
    ('[vantage]\nscope_dimension = "region"\n', {}, "region"),
    ('[vantage]\nscope_dimension = "region"\n', {"VANTAGE_SCOPE_DIMENSION": "plant"}, "plant"),
])
def test_the_scope_dimension_is_a_setting(tmp_path: Path, text: str, environ: dict, expected: str) -> None:
    assert config_with(tmp_path, text, environ).scope_dimension == expected


def test_an_empty_scope_dimension_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="scope_dimension"):
        config_with(tmp_path, '[vantage]\nscope_dimension = " "\n')
