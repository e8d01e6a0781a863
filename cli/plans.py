"""`govcat plans …`: step 3's improvement plans (R-5.1, ADR 0027): which services holding an ID
still lack an endorsed plan, and the steering council's endorsement. The plans, indicators and
actions are loaded like every record (`govcat load` of a workbook with the improvement_plans,
plan_indicators and plan_actions sheets).

The command acts as the account of an API token (--token, $GOVCAT_TOKEN) or, on the server, of
a named account (--by); catalog.access decides what it may do (cli.who, ADR 0008).
"""

from __future__ import annotations

from typing import Annotated

import typer

from catalog.cycle.plans import PlanState
from catalog.cycle.provinces import ProvincialSlice
from catalog.jalali import to_jalali_str
from cli.cycle import AgencyOpt, refusals
from cli.who import ByOpt, TokenOpt, acting, guard

plans_app = typer.Typer(help="Step 3's improvement plans: coverage and the council's "
                             "endorsement (R-5.1).", no_args_is_help=True)

PlanArg = Annotated[str, typer.Option("--plan", help="the plan's reference, or its IRI")]
ResolutionOpt = Annotated[str | None, typer.Option(
    "--resolution", help="the number of the steering council's resolution")]


def _line(p: PlanState) -> str:
    endorsed = "endorsed" if p.endorsed else ("changed since endorsed" if p.endorsements
                                              else "not endorsed")
    return (f"{p.ref or p.iri:<40} {p.status:<9} {p.plan_id or '-':<14} {endorsed:<22} "
            f"{p.indicators} indicator(s), {p.actions} action(s)")


@plans_app.command("list")
def list_plans(agency: AgencyOpt, by: ByOpt = None, token: TokenOpt = None) -> None:
    """The agency's plans and the services holding an ID that no endorsed plan covers yet
    (step 3 is submitted only when there are none, R-5.1). Exit 1 while some are lacking."""
    g = guard()
    with refusals():
        found, covers = g.plans(acting(g, token, by), agency)
    for p in found:
        typer.echo(_line(p))
    lacking = [c for c in covers if not c.covered]
    typer.echo(f"{len(covers) - len(lacking)} of {len(covers)} service(s) with an ID covered "
               f"by an endorsed or approved plan | "
               f"{len(covers) - len(lacking)} از {len(covers)} خدمت دارای شناسه برنامه مصوب دارد")
    for c in lacking:
        typer.echo(f"  lacking [R-5.1]: {c.service_id} {c.iri}")
    if lacking:
        raise typer.Exit(1)


@plans_app.command("endorse")
def endorse(agency: AgencyOpt, plan: PlanArg, resolution: ResolutionOpt = None,
            by: ByOpt = None, token: TokenOpt = None) -> None:
    """The steering council endorses a plan as it stands (R-5.1); only a council account of
    the agency may."""
    g = guard()
    with refusals():
        state, fresh = g.endorse_plan(acting(g, token, by), agency, plan, resolution)
    typer.echo(("endorsed: " if fresh else "already endorsed as it stands: ") + _line(state))


# -- a piloted plan's provincial slice (R-5.5) and the provinces' verification (R-8; ADR 0030) --

slice_app = typer.Typer(help="A piloted plan's provincial slice: the agency registers it, its "
                             "council endorses it, the agency sends it to the provinces, which "
                             "stops the one-month clock (R-5.5).", no_args_is_help=True)
plans_app.add_typer(slice_app, name="slice")


def _slice_line(s: ProvincialSlice) -> str:
    due = to_jalali_str(s.due) if s.due else "-"
    sent = to_jalali_str(s.sent) if s.sent else "-"
    late = " LATE | دیرکرد" if s.late else ""
    return (f"{s.plan.rsplit('/', 1)[-1]}: slice {s.state}, piloted in {s.pilot}, due {due}, "
            f"sent {sent}{late}; to {len(s.provinces)} province(s): {', '.join(s.provinces)}")


@slice_app.command("register")
def slice_register(agency: AgencyOpt, plan: PlanArg,
                   description_fa: Annotated[str, typer.Option(
                       "--description-fa", help="what the other provinces adopt, in Persian")],
                   description_en: Annotated[str | None, typer.Option(
                       "--description-en", help="the same in English")] = None,
                   to: Annotated[list[str] | None, typer.Option(
                       "--to", help="a province it goes to (repeat); default: all but the "
                                    "pilot")] = None,
                   by: ByOpt = None, token: TokenOpt = None) -> None:
    """The agency's steward registers the slice of an approved plan piloted in a province."""
    g = guard()
    with refusals():
        s = g.provinces_writer().register_slice(
            agency, plan, acting(g, token, by), description_fa=description_fa,
            description_en=description_en, to=to or None)
    typer.echo(_slice_line(s))


@slice_app.command("endorse")
def slice_endorse(agency: AgencyOpt, plan: PlanArg, resolution: ResolutionOpt = None,
                  by: ByOpt = None, token: TokenOpt = None) -> None:
    """The agency's steering council endorses the registered slice."""
    g = guard()
    with refusals():
        s = g.provinces_writer().endorse_slice(agency, plan, acting(g, token, by), resolution)
    typer.echo(_slice_line(s))


@slice_app.command("send")
def slice_send(agency: AgencyOpt, plan: PlanArg, by: ByOpt = None,
               token: TokenOpt = None) -> None:
    """The agency sends the endorsed slice to the provinces; the R-5.5 clock stops."""
    g = guard()
    with refusals():
        s = g.provinces_writer().send_slice(agency, plan, acting(g, token, by))
    typer.echo(_slice_line(s))


@slice_app.command("show")
def slice_show(agency: AgencyOpt, plan: PlanArg, by: ByOpt = None,
               token: TokenOpt = None) -> None:
    """The plan's slice; exit 1 when it has none."""
    g = guard()
    with refusals():
        s = g.provinces(acting(g, token, by)).provincial_slice(agency, plan)
    if s is None:
        typer.echo(f"{plan}: no provincial slice | بخش استانی ثبت نشده است")
        raise typer.Exit(1)
    typer.echo(_slice_line(s))


def _verdicts(items: list[str]) -> dict[str, dict[str, str]]:
    """`I1=confirmed:3` or `I1=not_confirmed:9:a note` → {"I1": {verdict, value, note}}."""
    found: dict[str, dict[str, str]] = {}
    for item in items:
        ref, _, rest = item.partition("=")
        verdict, _, rest = rest.partition(":")
        value, _, note = rest.partition(":")
        found[ref.strip()] = {"verdict": verdict.strip(), "value": value.strip(),
                              "note": note.strip()}
    return found


@plans_app.command("verify")
def verify(agency: AgencyOpt, plan: PlanArg,
           province: Annotated[str, typer.Option("--province", help="the verifier's province")],
           indicator: Annotated[list[str], typer.Option(
               "--indicator", help="REF=confirmed|not_confirmed:VALUE[:NOTE], one per "
                                   "indicator of the plan")],
           problems: Annotated[str, typer.Option("--problems",
                                                 help="process problems seen (R-8.2)")],
           suggestions: Annotated[str, typer.Option("--suggestions",
                                                    help="suggestions (R-8.2)")],
           by: ByOpt = None, token: TokenOpt = None) -> None:
    """A province's verifier records its one report on a plan whose actions are all
    declared done (R-8.1, R-8.2)."""
    g = guard()
    with refusals():
        v = g.provinces_writer().record_verification(
            agency, plan, acting(g, token, by), province=province,
            verdicts=_verdicts(indicator), problems=problems, suggestions=suggestions)
    typer.echo(f"{v.iri}: " + ", ".join(f"{x.indicator} {x.verdict} ({x.value})"
                                        for x in v.verdicts))


@plans_app.command("verifications")
def verifications(agency: AgencyOpt, plan: PlanArg, by: ByOpt = None,
                  token: TokenOpt = None) -> None:
    """The plan's verification reports, by province (R-8.1)."""
    g = guard()
    with refusals():
        found = g.provinces(acting(g, token, by)).verifications(agency, plan)
    for v in found:
        typer.echo(f"{v.province}: " + ", ".join(f"{x.indicator} {x.verdict} ({x.value})"
                                                 for x in v.verdicts))
