"""The states of a step of the cycle and the actions between them (R-2.1).

The state machine is the regulation's, so it is code; who approves a step is configuration
(R-2.2, catalog.cycle.config) and who may act is catalog.access.policy. Every refusal names
the rule it applies, in fa and en.
"""

from __future__ import annotations

from enum import StrEnum

from catalog.access.principals import Denial, Principal

_FA_DIGITS = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")


def fa(value: object) -> str:
    """A number written with Persian digits, for the fa half of a message."""
    return str(value).translate(_FA_DIGITS)


class State(StrEnum):
    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    SUBMITTED = "submitted"
    APPROVED = "approved"
    REJECTED = "rejected"
    REOPENED = "reopened"


STATE_LABELS: dict[State, tuple[str, str]] = {  # (en, fa)
    State.NOT_STARTED: ("not started", "آغازنشده"),
    State.IN_PROGRESS: ("in progress", "در حال انجام"),
    State.SUBMITTED: ("submitted for approval", "ارسال‌شده برای تأیید"),
    State.APPROVED: ("approved", "تأییدشده"),
    State.REJECTED: ("rejected", "ردشده"),
    State.REOPENED: ("reopened", "بازگشایی‌شده"),
}


class Action(StrEnum):
    START = "start"
    SUBMIT = "submit"
    APPROVE = "approve"
    REJECT = "reject"
    REOPEN = "reopen"


# Who acts: an authenticated principal (catalog.access); the cycle calls it an actor.
Actor = Principal


# action: (states it may start from, state it leads to)
TRANSITIONS: dict[Action, tuple[frozenset[State], State]] = {
    Action.START: (frozenset({State.NOT_STARTED}), State.IN_PROGRESS),
    Action.SUBMIT: (frozenset({State.IN_PROGRESS, State.REJECTED, State.REOPENED}),
                    State.SUBMITTED),
    Action.APPROVE: (frozenset({State.SUBMITTED}), State.APPROVED),
    Action.REJECT: (frozenset({State.SUBMITTED}), State.REJECTED),
    # An approved step is reopened when its content must change, e.g. duties changed.
    Action.REOPEN: (frozenset({State.APPROVED}), State.REOPENED),
}

# Actions whose event must say why (R-2.1: "rejected with reasons").
NEEDS_REASON = frozenset({Action.REJECT, Action.REOPEN})


# Why an action is refused, in both languages, with the requirement behind the rule.
Reason = Denial


class CycleRefused(Exception):
    """An action of the cycle was refused; nothing was written."""

    def __init__(self, reasons: list[Reason]) -> None:
        super().__init__("; ".join(str(r) for r in reasons))
        self.reasons = reasons


def target_state(action: Action, current: State) -> State:
    """The state `action` leads to from `current`, or CycleRefused saying why not."""
    sources, target = TRANSITIONS[action]
    if current not in sources:
        allowed = ", ".join(sorted(STATE_LABELS[s][0] for s in sources))
        allowed_fa = "، ".join(sorted(STATE_LABELS[s][1] for s in sources))
        raise CycleRefused([Reason(
            f"cannot {action.value} a step that is {STATE_LABELS[current][0]}; "
            f"only from: {allowed}",
            f"این کنش در وضعیت «{STATE_LABELS[current][1]}» ممکن نیست؛ "
            f"تنها از وضعیت‌های: {allowed_fa}",
            "R-2.1",
        )])
    return target
