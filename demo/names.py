"""People's names for the demo's rosters: key staff, access reviewers and the holders of privileged accounts."""

from __future__ import annotations

import random

SURNAMES: tuple[str, ...] = (
    "Wang", "Li", "Zhang", "Liu", "Chen", "Yang", "Zhao", "Huang", "Zhou", "Wu",
    "Xu", "Sun", "Hu", "Zhu", "Gao", "Lin", "He", "Guo", "Ma", "Luo",
)
GIVEN_NAMES: tuple[str, ...] = (
    "Wei", "Fang", "Na", "Min", "Jing", "Lei", "Jun", "Yan", "Tao", "Ming",
    "Hui", "Qiang", "Xin", "Yu", "Ping", "Hao", "Jie", "Lan", "Bo", "Ying",
)


def _person(rng: random.Random) -> str:
    """A name as the HR system writes it: given name, then surname."""
    return f"{rng.choice(GIVEN_NAMES)} {rng.choice(SURNAMES)}"
