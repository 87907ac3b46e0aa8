# The project's vocabulary. Everything runs from a fresh clone: `make up`, `make test`.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: up up-cluster down status install web test test-fast test-cluster test-down lint fmt bench seed seed-xl serve capacity-doc clean

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e ".[dev]"
	@touch $(STAMP)

install: $(STAMP) web

## The web client (web/, TypeScript + Vite) built into web/dist/, which the API serves at /web/.
## `npm ci` installs exactly package-lock.json; both steps rerun only when their inputs change.
WEB_NODE := web/node_modules/.package-lock.json
WEB_BUILT := web/dist/index.html
WEB_SOURCES := $(shell find web/src web/scripts -type f 2>/dev/null) web/index.html \
	web/vite.config.ts web/tsconfig.json

$(WEB_NODE): web/package.json web/package-lock.json
	cd web && npm ci --no-audit --no-fund
	@touch $(WEB_NODE)

$(WEB_BUILT): $(WEB_NODE) $(WEB_SOURCES)
	cd web && npm run build
	@touch $(WEB_BUILT)

web: $(WEB_BUILT)

## Install what is missing, start Neo4j, MinIO, Redis, nginx and the API, seed the demo graph.
up: $(STAMP) web
	$(BIN)/graphgram stack up

## The cluster topology: 4 MinIO processes as one erasure set, 3 API processes behind an nginx
## balancer on the API's usual address (http://127.0.0.1:8000), Redis Cluster (3 masters + 3
## replicas), Neo4j through neo4j:// (docs/scaling.md). `make down` stops it.
up-cluster: $(STAMP) web
	$(BIN)/graphgram stack up --topology cluster

down: $(STAMP)
	$(BIN)/graphgram stack down

status: $(STAMP)
	$(BIN)/graphgram stack status

## The whole test suite against real servers (a separate `test` stack instance); prints the
## slowest tests at the end.
test: $(STAMP) web
	$(BIN)/pytest --durations=25

## The suite without the slow, fault, browser and bulk-import tests: for while you work.
test-fast: $(STAMP) web
	$(BIN)/pytest -m "not (slow or faults or e2e or bulk)"

## The Redis-heavy tests again, on a Redis Cluster (3 masters + 3 replicas beside the test stack's
## other servers, ops/redis_cluster.py): the same tests, the same assertions.
CLUSTER_TESTS = tests/test_timelines.py tests/test_timelines_churn.py tests/test_ratelimit.py \
	tests/test_idempotency.py tests/test_idempotency_mastodon.py tests/test_media_jobs.py \
	tests/test_repair.py tests/test_lua_catalog.py tests/test_sessions.py tests/test_redis_failover.py \
	tests/test_redis_batching_cluster.py tests/test_fanout_cluster.py
test-cluster: $(STAMP) web
	GRAPHGRAM_TEST_REDIS=cluster $(BIN)/pytest --durations=10 $(CLUSTER_TESTS)

test-down: $(STAMP)
	GRAPHGRAM_STACK_NAME=test GRAPHGRAM_PORT_OFFSET=10000 $(BIN)/graphgram stack down
	GRAPHGRAM_STACK_NAME=test-cluster GRAPHGRAM_PORT_OFFSET=10100 $(BIN)/graphgram stack down

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports --no-cache
	$(BIN)/pytest -q -p no:cacheprovider --noconftest tests/test_cypher_catalog.py
	$(BIN)/python -m ops.lualint
	$(BIN)/pytest -q -p no:cacheprovider --noconftest tests/test_lua_catalog.py -k "not with_redis"

fmt: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

seed: $(STAMP)
	$(BIN)/graphgram seed --preset demo --wipe

## The xl demo graph (1,000,000 users, ~63M relationships) by bulk import, replacing the graph.
seed-xl: $(STAMP)
	$(BIN)/graphgram seed --preset xl --wipe --method bulk

## Benchmarks on their own `bench` stack instance; figures land in bench/results/*.json.
bench: $(STAMP)
	$(BIN)/python -m bench.seed_bench
	$(BIN)/python -m bench.media_bench
	$(BIN)/python -m bench.api_bench
	$(BIN)/python -m bench.reads

capacity-doc: $(STAMP)
	sed -n '1,/^## The estimate/p' docs/capacity.md > docs/capacity.md.tmp
	echo >> docs/capacity.md.tmp
	$(BIN)/graphgram estimate --profile docs/profiles/500m-dau.yaml --format markdown >> docs/capacity.md.tmp
	mv docs/capacity.md.tmp docs/capacity.md

serve: $(STAMP)
	$(BIN)/graphgram serve

clean:
	rm -rf .stack/dev .stack/test
