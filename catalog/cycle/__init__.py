"""The service intelligentization cycle (R-2): steps, transitions, approvals, issued IDs,
deadlines and the audit trail. ADR 0005 records the decisions."""

from catalog.access.principals import Forbidden, Role
from catalog.cycle.config import CycleConfig, StepConfig, default_config, load_config
from catalog.cycle.engine import Cycle, Event, Issued, StepStatus
from catalog.cycle.states import Action, Actor, CycleRefused, Reason, State

__all__ = ["Action", "Actor", "Cycle", "CycleConfig", "CycleRefused", "Event", "Forbidden",
           "Issued",
           "Reason", "Role", "State", "StepConfig", "StepStatus", "default_config",
           "load_config"]
