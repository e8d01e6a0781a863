# Two commands on a fresh machine: `make run` and `make test` (README.md).
PYTHON ?= python3
HOST ?= 127.0.0.1
PORT ?= 8000
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
LINT_STAMP := tools/cypher-lint/node_modules/.installed-stamp
# The web app's font, graph library and Swagger UI, from the npm registry (ADR 0031)
ASSETS_STAMP := tools/web-assets/node_modules/.installed-stamp
# Debian's Chromium, which the browser tests drive with Playwright (ADR 0031)
CHROMIUM := /usr/bin/chromium
HARNESS := tools/neo4j-harness/target/classpath.txt
WRK := tools/wrk/usr/bin/wrk
SCALE ?= 1.0
# Test processes (pytest-xdist), each with its own FalkorDB and Neo4j; a test file stays in one.
TEST_WORKERS ?= 2

.PHONY: run test setup lint check demo bench clean

setup: $(STAMP) $(ASSETS_STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev]'
	touch $@

$(LINT_STAMP): tools/cypher-lint/package.json tools/cypher-lint/package-lock.json
	cd tools/cypher-lint && npm ci --no-audit --no-fund --loglevel=error
	touch $@

# --ignore-scripts: a package's install script would reach for the network; none is needed.
$(ASSETS_STAMP): tools/web-assets/package.json tools/web-assets/package-lock.json
	cd tools/web-assets && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
	touch $@

$(CHROMIUM):
	apt-get install -y -qq chromium || (apt-get update -qq && apt-get install -y -qq chromium)

$(HARNESS): tools/neo4j-harness/pom.xml $(wildcard tools/neo4j-harness/src/main/java/govcat/*.java)
	cd tools/neo4j-harness && mvn -q -B package dependency:build-classpath \
		-Dmdep.outputFile=target/classpath.txt
	touch $@

run: $(STAMP) $(ASSETS_STAMP)
	$(BIN)/govcat demo
	$(BIN)/govcat serve --host $(HOST) --port $(PORT)

demo: $(STAMP)
	$(BIN)/govcat demo

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/mypy catalog api cli loaders graph_queries bench demo

test: $(STAMP) $(ASSETS_STAMP) $(LINT_STAMP) $(HARNESS) $(WRK) $(CHROMIUM) lint
	$(BIN)/pytest -n $(TEST_WORKERS) --dist loadfile

# wrk (HTTP load tool, bench/national.py) from Debian's packages, unpacked into tools/wrk
# without root; its LuaJIT is not installed on the machine, so it comes along (national.py
# points LD_LIBRARY_PATH at it). libssl3 and libc are the system's.
$(WRK):
	rm -rf tools/wrk && mkdir -p tools/wrk/debs
	cd tools/wrk/debs && (apt-get download wrk libluajit-5.1-2 || \
		(apt-get update -qq && apt-get download wrk libluajit-5.1-2))
	for deb in tools/wrk/debs/*.deb; do dpkg -x "$$deb" tools/wrk; done
	rm -rf tools/wrk/debs
	touch $@

# The national-scale benchmark (ADR 0013): `make bench SCALE=0.01` for a quick run.
bench: $(STAMP) $(WRK)
	$(BIN)/python bench/national.py --scale $(SCALE)

clean:
	rm -rf $(VENV) tools/cypher-lint/node_modules tools/web-assets/node_modules tools/neo4j-harness/target tools/wrk var
