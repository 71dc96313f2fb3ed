# Kemala: the two commands a new machine needs are `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-$(shell cat requirements.txt requirements-dev.txt constraints.txt requirements-checkov.txt | cksum | cut -d' ' -f1)
STAGE  ?= dev
TWEETS ?= local/sample_tweets.jsonl
CHROMIUM := /usr/bin/chromium
export AWS_DEFAULT_REGION ?= ap-southeast-3

.PHONY: install run replay scenario test test-faults fuzz test-burst package bench-cold-start cost bench-replay bench-routing bench-workspace bench-flood train clean

$(STAMP):
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet pip==26.2.1  # chalice 1.34 wants pip < 26.3
	$(BIN)/pip install --quiet -r requirements-dev.txt -c constraints.txt
	$(PYTHON) -m venv $(VENV)/checkov  # checkov pins its own boto3: kept apart from the app's tools
	$(VENV)/checkov/bin/pip install --quiet -r requirements-checkov.txt
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

install: $(STAMP)

$(CHROMIUM):  ## Debian's Chromium for the browser tests (Playwright drives it; no browser download)
	apt-get update -qq && apt-get install -y --no-install-recommends chromium

run: install  ## the main job on the embedded local stack (Ctrl-C to stop)
	$(BIN)/python -m local run

replay: install  ## make replay TWEETS=path/to/file.jsonl
	$(BIN)/python -m local replay $(TWEETS)

scenario: install  ## make scenario FILE=path.jsonl [RESPONSE_SLA=s] [RESOLUTION_SLA=s] [LADDER_STEP=s]
	$(BIN)/python -m local scenario $(FILE) $(if $(RESPONSE_SLA),--response-sla $(RESPONSE_SLA)) \
		$(if $(RESOLUTION_SLA),--resolution-sla $(RESOLUTION_SLA)) $(if $(LADDER_STEP),--ladder-step $(LADDER_STEP))

test: install $(CHROMIUM)  ## the whole test suite (includes chalice package + cfn-lint, browser tests)
	$(BIN)/python -m pytest

test-faults: install  ## the full fault-injection matrix on the embedded stack, with a table of outcomes
	FAULTS=all $(BIN)/python -m pytest -m faults -rA tests/faults
test-burst: install  ## 50 SMS reports of one flood become one incident and all hear the answer (slow)
	INCIDENT_REPORTS=50 $(BIN)/python -m pytest tests/stack/test_incidents.py

fuzz: install  ## make fuzz [EXAMPLES=2000]: every documented route fuzzed longer (EXAMPLES per route on fakes, 1/20 on the stack)
	FUZZ_EXAMPLES=$(or $(EXAMPLES),2000) $(BIN)/python -m pytest --hypothesis-show-statistics -k fuzzing \
		tests/functional/test_http.py tests/stack/test_api_fuzz.py

package: install  ## build/package-$(STAGE)/: sam.json + deployment.zip (no boto3, with bytecode), validated by cfn-lint
	$(BIN)/python -m infra.compose --stage $(STAGE) --out build/merge-$(STAGE).json
	$(BIN)/chalice package --stage $(STAGE) --merge-template build/merge-$(STAGE).json build/package-$(STAGE)
	$(BIN)/python -m infra.lambda_zip build/package-$(STAGE)/deployment.zip
	$(BIN)/cfn-lint build/package-$(STAGE)/sam.json

bench-cold-start: package  ## every function's Lambda-like cold start from the package, and the zip size
	$(BIN)/python bench/cold_start.py build/package-$(STAGE)

cost: install  ## AWS $ per 1,000 tickets and X $ per ticket (happy path, escalation, reassignment), fixed monthly
	$(BIN)/python bench/cost.py

bench-replay: install  ## replays 200 and 1,000 tweets in one run: seconds, memory, scaling
	test -f bench/tweets_1000.jsonl || $(BIN)/python bench/make_replay_set.py --count 1000 --source routing
	$(BIN)/python bench/replay_scaling.py bench/tweets_200.jsonl bench/tweets_1000.jsonl

bench-routing: install  ## routing accuracy, calibration and speed per register on the held-out split, team sets, ../shared/dev
	$(BIN)/python bench/routing.py

bench-workspace: install  ## load N=100000 tickets into the local stack, print queue/overview/report latency
	$(BIN)/python bench/workspace.py $(or $(N),100000)

bench-flood: install  ## make bench-flood [TWEETS_COUNT=10000]: a flood through the local stack (prints figures)
	$(BIN)/python bench/flood.py $(if $(TWEETS_COUNT),--tweets $(TWEETS_COUNT))

train: install  ## rebuild the routing model (scikit-learn, cross-validated): make train [CORRECTIONS=corrections.jsonl]
	$(BIN)/python -m chalicelib.cli train $(if $(CORRECTIONS),--corrections $(CORRECTIONS))

clean:
	rm -rf build $(VENV)
