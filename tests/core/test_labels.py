"""core/labels.py: a value reads as the name the config gives it, in the reader's language, else as its id made
humane; a dimension may be named like another's."""
from __future__ import annotations

import pytest

from core import labels
from core.labels import ValueNames

NAMES = ValueNames({"department": {"rnd_lab": ("R&D Laboratory", "研发实验室"), "hr": ("HR", "HR")},
                    "system": {"ERP": ("ERP", "ERP 企业资源计划")}},
                   {"source_system": "system"})


@pytest.mark.parametrize("ident, shown", [
    ("supply_chain", "Supply chain"), ("legal", "Legal"), ("plant_7", "Plant 7"), ("ERP", "ERP"),
    ("SUPPLIER_PORTAL", "SUPPLIER PORTAL"), ("eMail", "eMail"), ("_x_", "X"), ("2026", "2026"), ("", ""),
])
def test_an_id_without_a_name_is_made_humane(ident: str, shown: str) -> None:
    assert labels.humane(ident) == shown


def test_values_read_as_the_installed_names_in_the_readers_language() -> None:
    labels.install(NAMES)
    assert labels.value_label("department", "rnd_lab", "en") == "R&D Laboratory"
    assert labels.value_label("department", "rnd_lab", "zh") == "研发实验室"
    assert labels.value_label("source_system", "ERP", "zh") == "ERP 企业资源计划"  # named like system
    assert labels.value_label("target_system", "ERP", "zh") == "ERP"  # not declared alike: the id
    assert labels.value_label("department", "supply_chain", "zh") == "Supply chain"
    assert labels.value_label("department", 7, "en") == "7" and labels.value_label("department", None, "en") == "—"
    assert labels.has_names("department") and labels.has_names("source_system")
    assert not labels.has_names("target_system") and not labels.has_names("colour")


def test_installing_other_names_replaces_the_earlier_ones() -> None:
    labels.install(NAMES)
    labels.install(ValueNames({"department": {"legal": ("Legal & compliance", "法务合规部")}}))
    assert labels.value_label("department", "legal", "zh") == "法务合规部"
    assert labels.value_label("department", "rnd_lab", "en") == "Rnd lab"  # no longer named
    assert not labels.has_names("system")
