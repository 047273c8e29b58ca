"""What a report is made of, and the registry of sections the domain apps contribute.

An app registers a section in its ``AppConfig.ready``::

    from core.reports.sections import register_section
    register_section("standing", _("Credit standing"), standing_section, order=10)

A provider takes a ``ReportRequest`` and returns a ``Section`` (or None: nothing to say for
this department, e.g. the debt grade of a department that is not a region's government).
For the public variant (``request.public``) a provider must read only what the public pages
read (published selectors, masked names).
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils.functional import Promise


@dataclass(frozen=True)
class Table:
    headers: list[str]
    rows: list[list[str]]
    # Relative column widths (same length as ``headers``); equal widths when empty.
    widths: list[float] = field(default_factory=list)


@dataclass(frozen=True)
class Section:
    title: str
    # Label/value lines first, then paragraphs, then tables, each in order.
    facts: list[tuple[str, str]] = field(default_factory=list)
    paragraphs: list[str] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)


@dataclass(frozen=True)
class ReportRequest:
    """What a provider needs: the subject, the period asked for, the variant, the day."""

    department: object
    period_start: datetime.date
    period_end: datetime.date
    public: bool
    today: datetime.date
    user: object = None  # the requester of an official report (None for the public one)

    def in_period(self, day: datetime.date | None) -> bool:
        return day is not None and self.period_start <= day <= self.period_end


@dataclass(frozen=True)
class SectionProvider:
    key: str
    label: str | Promise
    provider: Callable[[ReportRequest], Section | None]
    order: int
    # Sections the public variant leaves out entirely (no public page shows them).
    official_only: bool = False


_SECTIONS: dict[str, SectionProvider] = {}


def register_section(
    key: str, label, provider: Callable, *, order: int, official_only: bool = False
) -> None:
    _SECTIONS[key] = SectionProvider(key, label, provider, order, official_only)


def available_sections(*, public: bool) -> list[SectionProvider]:
    return sorted(
        (s for s in _SECTIONS.values() if not (public and s.official_only)),
        key=lambda s: (s.order, s.key),
    )


def section_choices(*, public: bool) -> list[tuple[str, str]]:
    return [(s.key, s.label) for s in available_sections(public=public)]


def build_sections(request: ReportRequest, keys: list[str]) -> list[Section]:
    """The chosen sections in the registry's order, each from its provider."""
    chosen = set(keys)
    sections = []
    for entry in available_sections(public=request.public):
        if entry.key in chosen:
            section = entry.provider(request)
            if section is not None:
                sections.append(section)
    return sections
