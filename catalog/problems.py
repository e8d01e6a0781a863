"""What a steward is told when input is refused: one Problem per fault, in fa and en, with the
file, sheet, row and column it came from and the requirement (R-…) it breaks."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any


@dataclass(frozen=True)
class Problem:
    message_en: str
    message_fa: str
    source: str | None = None
    sheet: str | None = None
    row: int | None = None
    column: str | None = None
    requirement: str | None = None
    focus: str | None = None
    value: str | None = None

    def where(self) -> str:
        parts = [p for p in (self.source, self.sheet and f"sheet {self.sheet}") if p]
        if self.row is not None:
            parts.append(f"row {self.row}")
        if self.column:
            parts.append(f"column {self.column}")
        return ", ".join(parts) or (self.focus or "")

    def to_dict(self) -> dict[str, Any]:
        return {k: v for k, v in asdict(self).items() if v is not None}

    def __str__(self) -> str:
        req = f" [{self.requirement}]" if self.requirement else ""
        return f"{self.where()}: {self.message_en}{req} | {self.message_fa}"


class Rejected(Exception):
    """A submission broke one or more rules; nothing of it was stored."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(f"{len(problems)} problem(s); nothing was stored")
        self.problems = problems
