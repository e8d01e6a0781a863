"""The report of one import of standard RDF (ADR 0023): per record, what was mapped, what was
kept as it is, what govcat still needs before it can store it; and, per class, the nodes left
aside and why. One run says everything at once: an unknown property is reported, never fatal.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from catalog.problems import Problem


@dataclass(frozen=True)
class Need:
    """One thing govcat needs of a record before it can store it, in English and Persian,
    with the requirement that asks for it (R-…) when a rule of the regulation does."""

    message_en: str
    message_fa: str
    requirement: str | None = None
    column: str | None = None  # the property a rule found missing (a supplement's template)

    def to_dict(self) -> dict[str, Any]:
        out = {"message_en": self.message_en, "message_fa": self.message_fa}
        if self.requirement:
            out["requirement"] = self.requirement
        return out

    @classmethod
    def of(cls, problem: Problem) -> Need:
        value = f" (value: {problem.value})" if problem.value else ""
        return cls(problem.message_en + value, problem.message_fa, problem.requirement,
                   problem.column)


@dataclass
class RecordReport:
    """One record of the file: its IRI there, its label, the standard class it was read as,
    and what became of it. `iri` is govcat's IRI (minted by the kind's pattern), `kind` the
    sheet it maps to (services, units, …); `stored` once it is in the change set to store."""

    source_iri: str
    label: str
    standard_class: str
    kind: str
    iri: str | None = None
    mapped: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)
    not_held: list[str] = field(default_factory=list)
    left_out: list[str] = field(default_factory=list)  # values refused (ADR 0025), said here
    needs: list[Need] = field(default_factory=list)
    storable: bool = False
    forbidden: bool = False  # the caller may not write it
    supplied: list[str] = field(default_factory=list)  # statements a supplement gave it
    template: list[str] = field(default_factory=list)  # Turtle a supplement would add

    def to_dict(self) -> dict[str, Any]:
        return {
            "record": self.source_iri, "label": self.label, "class": self.standard_class,
            "kind": self.kind, "iri": self.iri, "storable": self.storable,
            "forbidden": self.forbidden,
            "mapped": self.mapped, "kept": self.kept, "not_held": self.not_held,
            "left_out": self.left_out,
            "needs": [n.to_dict() for n in self.needs],
            "supplied": self.supplied, "template": self.template,
        }

    def lines(self) -> list[str]:
        """The record as the CLI prints it: its IRI and label first, then each finding."""
        head = "storable" if self.storable else "not stored"
        out = [f"{self.source_iri} «{self.label}» ({self.standard_class} → {self.kind}): "
               f"{head}" + (f" as {self.iri}" if self.iri and self.storable else "")]
        out += [f"    mapped: {m}" for m in self.mapped]
        out += [f"    kept as is: {k}" for k in self.kept]
        out += [f"    not held by govcat: {x}" for x in self.not_held]
        out += [f"    left out: {x}" for x in self.left_out]
        out += [f"    supplied: {x}" for x in self.supplied]
        for n in self.needs:
            req = f" [{n.requirement}]" if n.requirement else ""
            out.append(f"    needs: {n.message_en}{req}\n      {n.message_fa}")
        if self.template:
            out.append("    a supplement would add (--with; fill each …):")
            out += [f"      {t}" for t in self.template]
        return out


@dataclass(frozen=True)
class LeftAside:
    """Nodes of one class govcat does not hold as records, and why."""

    cls: str
    count: int
    why_en: str
    why_fa: str

    def to_dict(self) -> dict[str, Any]:
        return {"class": self.cls, "count": self.count, "why_en": self.why_en,
                "why_fa": self.why_fa}

    def line(self) -> str:
        return f"{self.count} × {self.cls}: {self.why_en} | {self.why_fa}"


@dataclass
class ImportReport:
    """The whole run: every record, the classes left aside, and problems of the file itself
    (it cannot be read; a problem no record can be named for)."""

    source: str
    records: list[RecordReport] = field(default_factory=list)
    left_aside: list[LeftAside] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    supplements: list[str] = field(default_factory=list)  # read with the file (--with)

    @property
    def storable(self) -> list[RecordReport]:
        return [r for r in self.records if r.storable]

    @property
    def lacking(self) -> list[RecordReport]:
        return [r for r in self.records if not r.storable]

    def counts(self) -> dict[str, int]:
        return dict(Counter(r.kind for r in self.storable))

    def to_dict(self) -> dict[str, Any]:
        return {
            "source": self.source, "supplements": self.supplements,
            "storable": len(self.storable), "lacking": len(self.lacking),
            "records": [r.to_dict() for r in self.records],
            "left_aside": [x.to_dict() for x in self.left_aside],
            "problems": [p.to_dict() for p in self.problems],
        }

    def lines(self) -> list[str]:
        with_ = f" with {', '.join(self.supplements)}" if self.supplements else ""
        out = [f"{self.source}{with_}: {len(self.records)} record(s) read; "
               f"{len(self.storable)} storable, {len(self.lacking)} lacking what govcat needs"]
        out += [f"  - {p}" for p in self.problems]
        for r in sorted(self.records, key=lambda r: (not r.storable, r.kind, r.source_iri)):
            out += ["  " + line for line in r.lines()]
        if self.left_aside:
            out.append("  left aside:")
            out += [f"    {x.line()}" for x in self.left_aside]
        return out
