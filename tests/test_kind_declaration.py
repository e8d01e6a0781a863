"""A kind of record is one declaration (catalog.kind.Kind, ADR 0022): declared in a module of
its own that govcat has never seen (named in GOVCAT_KINDS), it loads from a workbook, is
validated by its own shapes, is listed by the resources API, is exported, and has its sheet in
the template, on both stores. The built-in kinds agree with what their declarations say.

The new kind runs in a process of its own (the declarations are read once per process, as
when govcat starts), against the test session's FalkorDB or Neo4j."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from rdflib import RDF, Graph, URIRef

from catalog import kinds
from catalog.iris import Iris
from catalog.ontology import mapping
from catalog.store.falkordb_server import FalkorServer
from catalog.vocab import CV, GC
from loaders.spreadsheet import read_workbook
from tests.support.neo4j_server import Neo4jProcess

ROOT = Path(__file__).resolve().parent.parent
DEMO = ROOT / "demo" / "govcat-demo.xlsx"
DEMO_STEP3 = ROOT / "demo" / "govcat-demo-step3.xlsx"
BASE = "https://govcat.kinds/id/"

# The whole declaration of the new kind: its record, its sheet and columns (fa/en), its class
# and properties (ontology terms and JSON-LD context), its IRI pattern, owner, deletion rule,
# and its shapes.
NOTICES = '''
from rdflib import URIRef

from catalog.kind import Kind
from catalog.model import OptDate, OptRef, OptText, Record, Ref, Text
from catalog.sheets import Column, Sheet

EXT = "https://govcat.test/ext#"


class Notice(Record):
    agency_code: Ref
    ref: Ref
    title_fa: Text
    title_en: OptText = None
    service: OptRef = None
    published_on: OptDate = None


KIND = Kind(
    Sheet("notices", "اطلاعیه‌ها", "Notices", (
        Column("agency_code", "کد دستگاه", "Agency code", True, "ref", target="agencies",
               ref_scope="national"),
        Column("ref", "کد اطلاعیه", "Notice reference", True),
        Column("title_fa", "عنوان فارسی", "Title (Persian)", True, term="title"),
        Column("title_en", "عنوان انگلیسی", "Title (English)", term="title"),
        Column("service", "خدمت", "Service", False, "ref", target="services",
               ref_scope="agency", term="aboutService"),
        Column("published_on", "تاریخ انتشار", "Published on", kind="date",
               term="publishedOn"),
    )),
    Notice, URIRef(EXT + "Notice"), "agency/{agency_code}/notice/{ref}",
    owner="agency_code", kept_by="R-4.1", api="notices",
    ontology="""
        @prefix ext: <https://govcat.test/ext#> .
        @prefix owl: <http://www.w3.org/2002/07/owl#> .
        @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
        @prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
        @prefix cpsv: <http://purl.org/vocab/cpsv#> .
        ext:Notice a owl:Class ; rdfs:label "اطلاعیه"@fa , "Notice"@en .
        ext:aboutService a owl:ObjectProperty ; rdfs:domain ext:Notice ;
            rdfs:range cpsv:PublicService .
        ext:publishedOn a owl:DatatypeProperty ; rdfs:range xsd:date .
    """,
    context={"ext": EXT,
             "aboutService": {"@id": "ext:aboutService", "@type": "@id"},
             "publishedOn": {"@id": "ext:publishedOn", "@type": "xsd:date"}},
    shapes="""
        @prefix ext: <https://govcat.test/ext#> .
        @prefix sh: <http://www.w3.org/ns/shacl#> .
        @prefix dct: <http://purl.org/dc/terms/> .
        @prefix cpsv: <http://purl.org/vocab/cpsv#> .
        @prefix gc: <https://w3id.org/govcat/ns#> .
        ext:NoticeShape a sh:NodeShape ; sh:targetClass ext:Notice ;
            sh:property [ sh:path ext:aboutService ; sh:class cpsv:PublicService ;
                gc:requirement "R-4.1" ;
                sh:message "اطلاعیه درباره خدمتی ثبت‌نشده است."@fa ,
                           "The notice is about a service that is not registered."@en ] .
    """,
)
'''

# Run in the new kind's process: the template, a load refused and one stored, the list and
# the export; prints what it saw as JSON.
SCRIPT = '''
import json, sys
from pathlib import Path

from fastapi.testclient import TestClient
from openpyxl import load_workbook
from typer.testing import CliRunner

from catalog.access.principals import Principal, Role
from catalog.config import Settings
from catalog.iris import Iris
from catalog.registry import Registry
from catalog.store import open_store
from cli.main import app
from tests.support.auth import client_as
from tests.workbooks import two_agencies, write_workbook

work = Path(sys.argv[1])
store = open_store(Settings())
store.clear()
store.setup()
registry = Registry(store, Iris(Settings().base_iri))
registry.ensure_code_lists()
cli = CliRunner()
seen = {}

template = work / "template.xlsx"
cli.invoke(app, ["template", str(template)])
book = load_workbook(template)
sheet = next(ws for ws in book.worksheets if ws.title in ("notices", "اطلاعیه‌ها"))
seen["template"] = [c.value for c in sheet[1]]

header = ["agency_code", "ref", "title_fa", "title_en", "service", "published_on"]
bad = {**two_agencies(), "notices": [header,
       ["REG", "N1", "اطلاعیه ثبت ولادت", "", "S9", "1403/10/08"]]}
result = cli.invoke(app, ["load", str(write_workbook(work / "bad.xlsx", bad))])
seen["bad"] = [result.exit_code, result.output, registry.counts()]

good = {**two_agencies(), "notices": [header,
        ["REG", "N1", "اطلاعیه ثبت ولادت", "Birth notice", "S1", "1403/10/08"]]}
result = cli.invoke(app, ["load", str(write_workbook(work / "good.xlsx", good))])
seen["good"] = [result.exit_code, result.output]

client = client_as(registry, Principal("auditor", Role.AUDITOR))
listed = client.get("/resources/notices", params={"agency": "REG", "q": "ولادت"})
seen["list"] = [listed.status_code, listed.json()]
seen["openapi"] = "notices" in json.dumps(client.get("/openapi.json").json())
result = cli.invoke(app, ["export", "--format", "ttl", "--output", str(work / "out.ttl")])
seen["export"] = [result.exit_code, (work / "out.ttl").read_text(encoding="utf-8")]
print("SEEN " + json.dumps(seen, ensure_ascii=False))
'''


@pytest.fixture(params=("falkordb", "neo4j"))
def store_env(request: pytest.FixtureRequest, tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GOVCAT_")}
    env.update(GOVCAT_SECRET_KEY=os.environ["GOVCAT_SECRET_KEY"], GOVCAT_BASE_IRI=BASE,
               GOVCAT_KINDS="notices_kind",
               PYTHONPATH=os.pathsep.join([str(tmp_path / "kinds"), str(ROOT)]))
    if request.param == "falkordb":
        server: FalkorServer = request.getfixturevalue("falkor_server")
        env.update(GOVCAT_DATA_DIR=str(server.data_dir), GOVCAT_GRAPH="kinds")
    else:
        process: Neo4jProcess = request.getfixturevalue("neo4j_process")
        env.update(GOVCAT_STORE="neo4j", GOVCAT_NEO4J_URI=process.routing_uri,
                   GOVCAT_DATA_DIR=str(tmp_path / "data"))
    return env


def _run_new_kind(env: dict[str, str], tmp_path: Path) -> dict[str, object]:
    (tmp_path / "kinds").mkdir()
    (tmp_path / "kinds" / "notices_kind.py").write_text(NOTICES, encoding="utf-8")
    done = subprocess.run([sys.executable, "-c", SCRIPT, str(tmp_path)], env=env, cwd=ROOT,
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    line = next(x for x in done.stdout.splitlines() if x.startswith("SEEN "))
    seen: dict[str, object] = json.loads(line[5:])
    return seen


def test_a_kind_declared_in_one_module_loads_validates_lists_exports_and_is_in_the_template(
        store_env: dict[str, str], tmp_path: Path) -> None:
    seen = _run_new_kind(store_env, tmp_path)

    assert seen["template"] == ["agency_code", "ref", "title_fa", "title_en", "service",
                                "published_on"]

    code, output, counts = seen["bad"]  # type: ignore[misc]
    assert code == 1 and "notices" in output and "row 2" in output
    assert "column service" in output and "R-4.1" in output and "ثبت‌نشده" in output
    assert set(counts) == {"Concept", "ConceptScheme"}, "a refused submission stores nothing"

    code, output = seen["good"]  # type: ignore[misc]
    assert code == 0, output

    status, page = seen["list"]  # type: ignore[misc]
    notice = f"{BASE}agency/REG/notice/N1"
    assert status == 200 and [i["iri"] for i in page["items"]] == [notice]
    [item] = page["items"]
    assert item["type"] == "Notice" and item["links"]["aboutService"] == [
        f"{BASE}agency/REG/service/S1"]
    assert seen["openapi"]

    code, turtle = seen["export"]  # type: ignore[misc]
    assert code == 0
    g = Graph().parse(data=turtle, format="turtle")
    ext = "https://govcat.test/ext#"
    assert (URIRef(notice), RDF.type, URIRef(ext + "Notice")) in g
    [published] = g.objects(URIRef(notice), URIRef(ext + "publishedOn"))
    assert str(published) == "2024-12-28"  # 1403/10/08 in the Solar Hijri calendar


def test_each_built_in_kind_mints_what_its_declaration_says() -> None:
    """Every record of the demo has the class and IRI pattern its kind declares, and names
    the agency that owns it (R-20.1); the demo holds every built-in kind (step 3's plans in a
    workbook of their own, loaded once step 2 issued the service IDs: cli/demo.py)."""
    records = read_workbook(DEMO).records + read_workbook(DEMO_STEP3).records
    cs = kinds.changeset(records, Iris(BASE), lambda _: None)
    for kind in kinds.BUILT_IN:
        minted = sorted(str(s) for s in cs.graph.subjects(RDF.type, kind.cls))
        assert minted, f"the demo holds no {kind.name}"
        segments = ("[^/]+" if seg.startswith("{") else re.escape(seg)
                    for seg in kind.iri.split("/"))
        pattern = "^" + re.escape(BASE) + "/".join(segments) + "$"
        assert [s for s in minted if not re.match(pattern, s)] == [], kind.name
        if kind.cls != CV.PublicOrganisation:  # an agency is its own owner
            assert [s for s in minted if (URIRef(s), GC.agency, None) not in cs.graph] == []


def test_the_declarations_agree_with_the_ontology_and_the_api() -> None:
    classes = mapping().class_of
    for kind in kinds.all_kinds():
        assert classes[kind.label] == kind.cls, kind.name
        assert kind.owner in kind.sheet.keys, kind.name
        slots = re.findall(r"\{([a-z_]+)\}", kind.iri)
        assert slots and set(slots) <= set(kind.sheet.keys), kind.name
    assert list(kinds.by_api()) == ["agencies", "units", "posts", "employees", "duties",
                                    "services", "systems", "datasets", "flows", "chains",
                                    "plans", "indicators", "actions"]
    assert [s.name for s in kinds.sheets()] == [k.name for k in kinds.BUILT_IN]
