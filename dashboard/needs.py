"""What a page cannot work without, declared once with the page, and the page shown in its place when it is missing.

A page registers `needs=...` with `dash.register_page`: a function of the running app's setup (its whole catalogue
and its config: no viewer, no I/O) that returns what is missing, or None. The navigation leaves out a page whose needs
are not met; opened by address, the page says in one sentence what to declare and where the README explains it.
What a page needs does not change while the app runs (catalogue and config are fixed), so the layout Dash validates
the callbacks against at start-up is the one every visitor gets.
"""
from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from dash import html

from core.i18n import register, t
from dashboard import context

if TYPE_CHECKING:
    from config.settings import Config
    from metrics.semantics.model import Metric

README = "README.md"  # the README's sections are linked relative to the page, as the repository shows them

register({
    "needs.role": ("This page is not part of your role ({role}). Ask an administrator for a role that includes it.",
                   "此页面不属于您的角色（{role}）。如需查看，请联系管理员分配包含此页面的角色。"),
    "needs.title": ("This page is not set up for this data", "此页面尚未针对当前数据配置"),
    "needs.role_executive": ("executive", "管理层"),
    "needs.role_pmo": ("programme office", "项目管理办公室"),
    "needs.role_department_lead": ("department lead", "部门负责人"),
    "needs.role_admin": ("administrator", "管理员"),
    "needs.role_device": ("wall screen", "大屏设备"),
    "needs.how": ("How to declare it: README, “{section}”", "声明方法：README “{section}”一节"),
})


@dataclass(frozen=True)
class Setup:
    """What a page's needs are judged on: every metric the app loaded and its config."""

    catalogue: Mapping[str, Metric]
    config: Config


@dataclass(frozen=True)
class Missing:
    """What a page lacks: the sentence that says what to declare (an i18n key and its values), and the README
    section that explains it (its title, and the anchor GitHub gives it)."""

    sentence: str
    section: str
    anchor: str
    values: Mapping[str, str] = field(default_factory=dict)


Needs = Callable[[Setup], "Missing | None"]
ROLE_WORDS = {"executive": "needs.role_executive", "pmo": "needs.role_pmo",
              "department_lead": "needs.role_department_lead", "admin": "needs.role_admin",
              "device": "needs.role_device"}


def setup() -> Setup:
    """The running app's setup: the unscoped catalogue, so a viewer's scope never changes what a page is."""
    engine = context.plan_engine()
    return Setup(engine.catalogue, engine.config)


def missing(page: Mapping[str, Any]) -> Missing | None:
    """What a registered page (an entry of dash.page_registry) lacks to work here; None when nothing."""
    needs: Needs | None = page.get("needs")
    return None if needs is None else needs(setup())


def unmet(needs: Needs) -> Missing | None:
    """What a page's own needs find missing in the running app (for its layout); None when nothing."""
    return needs(setup())


def unregistered(catalogue: Mapping[str, Metric], keys: tuple[str, ...]) -> list[str]:
    """The metric keys a page reads that the catalogue does not hold, in the page's order."""
    return [k for k in dict.fromkeys(keys) if k not in catalogue]


def listing(keys: list[str], most: int = 6) -> str:
    """Metric keys for a sentence: the first few, then how many more."""
    shown = ", ".join(keys[:most])
    return shown + (f" (+{len(keys) - most})" if len(keys) > most else "")


def unmet_page(gap: Missing, title: str, lang: str, page_class: str) -> html.Div:
    """The page in place of one that cannot work here: its title, one sentence and where to read more; no alert."""
    return html.Div([
        html.Div(html.Div([html.H1(title, className="page-title")], className="page-head-text"),
                 className="page-head"),
        html.Section([
            html.P(t(gap.sentence, lang, **gap.values), className="needs-sentence"),
            html.P(html.A(t("needs.how", lang, section=gap.section), href=f"{README}#{gap.anchor}",
                          className="needs-link")),
        ], className="card-section needs-section", **{"aria-label": t("needs.title", lang)}),
    ], className=f"{page_class} page-needs", lang="zh-CN" if lang == "zh" else "en")


def refused_page(path: str, title: str, lang: str, page_class: str) -> html.Div | None:
    """The page in place of one the viewer's role does not include: its title and one sentence, recorded as a
    `denied` row; None when the role includes it (or no one is signed in, as with the login off). Its parts are not
    drawn, so none of its callbacks asks for numbers the role may not see."""
    from core.errors import AccessDenied

    found = context.viewer()
    if found is None or found.may_open(path):
        return None
    context.denied(AccessDenied(f"this page is not part of the {found.role.value} role", path,
                                "ask an administrator for a role that includes it"), path)
    return html.Div([
        html.Div(html.Div([html.H1(title, className="page-title")], className="page-head-text"),
                 className="page-head"),
        html.Section(html.P(t("needs.role", lang, role=t(ROLE_WORDS[found.role.value], lang)),
                            className="needs-sentence"), className="card-section needs-section"),
    ], className=f"{page_class} page-needs page-refused", lang="zh-CN" if lang == "zh" else "en")
