"""Roles and what each reaches: pages and the engine scope its numbers are computed in."""
from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from metrics.engine.scope import Scope


class Role(Enum):
    EXECUTIVE = "executive"  # every KPI, read
    PMO = "pmo"  # programme pages and every KPI
    DEPARTMENT_LEAD = "department_lead"  # KPIs filtered to the own department
    ADMIN = "admin"  # users, tokens, snapshots, and everything the others see
    DEVICE = "device"  # a wall screen's token: its playlist and nothing else


# Page path prefixes each role may open (the overview is "/").
KPI_PAGES = ("/", "/metric/", "/assessment", "/league", "/feedback", "/wall/")
PAGES: dict[Role, tuple[str, ...]] = {
    Role.EXECUTIVE: KPI_PAGES,
    Role.PMO: (*KPI_PAGES, "/programme"),
    Role.DEPARTMENT_LEAD: KPI_PAGES,
    Role.ADMIN: (*KPI_PAGES, "/programme", "/admin"),
    Role.DEVICE: ("/wall",),
}


@dataclass(frozen=True)
class Viewer:
    """The person (or device) behind a request."""

    name: str
    role: Role
    department: str | None = None

    @property
    def scope(self) -> Scope:
        if self.role is Role.DEPARTMENT_LEAD:
            return Scope(department=self.department, label=f"{self.name}, lead of {self.department}")
        return Scope(label=f"{self.name} ({self.role.value})")

    def may_open(self, path: str) -> bool:
        allowed = PAGES[self.role]
        return any(path == p or (p != "/" and path.startswith(p)) for p in allowed)
