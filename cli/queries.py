"""`govcat query …`: graph queries for auditors (ADR 0004), read-only.

    govcat query NAME --param k=v [--format json|csv|svg|ttl|jsonld]   a named query
    govcat query --list                                                the named queries
    govcat query --cypher 'MATCH …' [--param k=v]                      your own Cypher
    govcat query save NAME --cypher … --description … --by … [--declare agency?=…]
    govcat query saved [NAME]                                          saved queries
    govcat query run-saved NAME --param k=v                            run a saved query
    govcat query delete-saved NAME

`govcat query NAME …` is short for `govcat query run NAME …`. A parameter that takes a proposed
structure (compare-structure) is given a file: `--param proposed=proposal.xlsx` (a workbook, a
CSV folder or a Turtle file), read like a submission and never stored.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
from typer._click.core import Context
from typer.core import TyperGroup

from catalog.port import QueryTimeout, ReadOnlyViolation, StoreError
from catalog.registry import Registry
from cli import common
from graph_queries import adhoc, formats, named, saved
from graph_queries.answer import QueryError

T = TypeVar("T")


class _QueryGroup(TyperGroup):
    """Words that are not commands are a query's name or options: they go to `run`."""

    def parse_args(self, ctx: Context, args: list[str]) -> list[str]:
        if args and args[0] not in self.commands and args[0] not in ctx.help_option_names:
            args = ["run", *args]
        return super().parse_args(ctx, args)


query_app = typer.Typer(
    cls=_QueryGroup, no_args_is_help=True,
    help="Ask the graph a question for an audit: a named query, your own read-only Cypher, or "
         "a saved one (R-4, R-6, R-10, R-11, R-12, R-18).")

ParamOpt = Annotated[list[str] | None, typer.Option(
    "--param", "-p", help="key=value; repeat a key (or use ;) for a list")]
FormatOpt = Annotated[str, typer.Option(
    "--format", help="json, csv or svg; ttl or jsonld for an answer that is a subgraph")]
TimeoutOpt = Annotated[int | None, typer.Option(help="time limit (ms) of your own Cypher")]
LimitOpt = Annotated[int | None, typer.Option(help="row limit of your own Cypher")]
OutputOpt = Annotated[Path | None, typer.Option(help="file to write (default: stdout)")]


def _registry() -> Registry:
    return common.open_registry()  # the one place the CLI opens the store


def _check_format(fmt: str) -> None:
    if fmt not in formats.FORMATS:
        raise typer.BadParameter(f"use {', '.join(formats.FORMATS)}", param_hint="--format")


def _guarded(work: Callable[[], T]) -> T:
    try:
        return work()
    except QueryError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from None
    except StoreError as exc:
        typer.echo(f"refused: {_refusal(exc)}", err=True)
        raise typer.Exit(1) from None


@query_app.command("run")
def run(
    name: Annotated[str | None, typer.Argument(help="a named query (see --list)")] = None,
    param: ParamOpt = None,
    fmt: FormatOpt = "json",
    list_queries: Annotated[bool, typer.Option("--list", help="list the named queries")] = False,
    cypher_text: Annotated[str | None, typer.Option(
        "--cypher", help="your own read-only Cypher instead of a named query")] = None,
    timeout_ms: TimeoutOpt = None,
    limit: LimitOpt = None,
    output: OutputOpt = None,
) -> None:
    """Run a named query, or your own read-only Cypher."""
    if list_queries:
        typer.echo(json.dumps(named.listing(), ensure_ascii=False, indent=2))
        return
    _check_format(fmt)
    if (name is None) == (cypher_text is None):
        raise typer.BadParameter("give a query NAME or --cypher (not both)")
    registry = _registry()

    def work() -> str:
        raw: dict[str, Any] = dict(named.from_pairs(param or []))
        if cypher_text is not None:
            answer = adhoc.run_adhoc(registry.store, cypher_text, adhoc.typed_params(raw),
                                     timeout_ms, limit)
        else:
            assert name is not None
            _read_structures(name, raw, registry)
            answer = named.run(registry.store, name, raw, registry.iris.base)
        return formats.render(answer, fmt, registry.store)

    _write(_guarded(work), output)


def _read_structures(name: str, raw: dict[str, Any], registry: Registry) -> None:
    """A proposed structure is named by its file; the loaders read it (nothing is stored)."""
    from api.queries import read_structure

    for p in named.get(name).params:
        if p.type == "structure" and raw.get(p.name):
            [path] = raw[p.name][-1:]
            if not Path(path).exists():
                raise QueryError(f"{p.name}: no file or folder {path}")
            raw[p.name] = read_structure(Path(path), registry)


@query_app.command("save")
def save(
    name: Annotated[str, typer.Argument(help="the name auditors will run it by")],
    cypher_text: Annotated[str, typer.Option("--cypher", help="read-only Cypher")],
    description: Annotated[str, typer.Option(help="what the query answers")],
    by: Annotated[str, typer.Option("--by", help="its author")],
    declare: Annotated[list[str] | None, typer.Option(
        "--declare", help="a $parameter it takes: NAME, NAME? (optional), NAME=what it is")
    ] = None,
    timeout_ms: TimeoutOpt = None,
    limit: LimitOpt = None,
    replace: Annotated[bool, typer.Option(help="overwrite a saved query of this name")] = False,
) -> None:
    """Save your own Cypher for every auditor, after one read-only run with empty parameters."""
    registry = _registry()
    q, created = _guarded(lambda: saved.save(registry.store, name, cypher_text, description,
                                             by, declare or [], timeout_ms, limit, replace))
    typer.echo(f"{'saved' if created else 'replaced'} {q.name}", err=True)
    typer.echo(json.dumps(q.as_dict(), ensure_ascii=False, indent=2))


@query_app.command("saved")
def saved_list(
    name: Annotated[str | None, typer.Argument(help="one saved query (all when omitted)")] = None,
) -> None:
    """The saved queries (name, description, Cypher, parameters, author), or one of them."""
    registry = _registry()
    if name is None:
        found: Any = [q.as_dict() for q in saved.listing(registry.store)]
    else:
        found = _guarded(lambda: saved.get(registry.store, name)).as_dict()
    typer.echo(json.dumps(found, ensure_ascii=False, indent=2))


@query_app.command("run-saved")
def run_saved(
    name: Annotated[str, typer.Argument(help="a saved query (see `govcat query saved`)")],
    param: ParamOpt = None,
    fmt: FormatOpt = "json",
    timeout_ms: TimeoutOpt = None,
    limit: LimitOpt = None,
    output: OutputOpt = None,
) -> None:
    """Run a saved query with values for its parameters (JSON values or text)."""
    _check_format(fmt)
    registry = _registry()

    def work() -> str:
        raw = adhoc.typed_params(named.from_pairs(param or []))
        answer = saved.run_saved(registry.store, name, raw, timeout_ms, limit)
        return formats.render(answer, fmt, registry.store)

    _write(_guarded(work), output)


@query_app.command("delete-saved")
def delete_saved(name: Annotated[str, typer.Argument(help="the saved query")]) -> None:
    """Delete a saved query."""
    registry = _registry()
    _guarded(lambda: saved.delete(registry.store, name))
    typer.echo(f"deleted {name}", err=True)


def _refusal(exc: Exception) -> str:
    if isinstance(exc, ReadOnlyViolation):
        return f"queries are read-only; this one tries to write ({exc})"
    if isinstance(exc, QueryTimeout):
        return f"the query ran past its time limit and was stopped ({exc})"
    return str(exc)


def _write(text: str, output: Path | None) -> None:
    if output is None:
        sys.stdout.write(text if text.endswith("\n") else text + "\n")
    else:
        output.write_text(text, encoding="utf-8")
        typer.echo(f"wrote {output}", err=True)
