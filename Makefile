# One place for the commands a user needs. `make briefing` and `make test` each set everything up first.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp

.PHONY: setup briefing test quick-test browser lab dashboard notebooks lint benchmarks clean-outputs plotly-bundle

setup: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -c 'import sys; sys.exit("Python 3.11 or newer is needed") if sys.version_info < (3, 11) else None'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test]"
	$(BIN)/python -m ipykernel install --sys-prefix --name analytics --display-name "Distance-learning analytics"
	# the project's kernel opens no TCP port of its own (its subprocess-output pipe on a Unix socket)
	sed -i 's/"ipykernel_launcher"/"analytics.run.private_kernel"/' $(VENV)/share/jupyter/kernels/analytics/kernel.json
	touch $(STAMP)

## The notebooks JupyterLab, Voilà and the runner open: generated from the tracked percent-format
## .py files (jupytext), never tracked themselves, so saving outputs in JupyterLab leaves git clean.
## An existing .ipynb keeps its outputs; a newer .py updates its cells.
notebooks: $(STAMP)
	$(BIN)/analytics cells
	$(BIN)/jupytext --sync --quiet notebooks/[0-9]*.py

## The main job: the default Tajikistan briefing, published under outputs/.
briefing: setup notebooks
	$(BIN)/analytics brief briefings/tajikistan.yaml

## The whole test suite (lint; unit tests; notebooks in process and through papermill; pages in headless
## Chromium; the import contracts, checked by lint-imports inside tests/test_structure.py); it ends with
## the twenty slowest tests, where the suite's time goes.
test: setup notebooks browser
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/python -m pytest -q -n 2 --dist loadfile --no-loadscope-reorder --durations=20

## The checks that start no kernel, JupyterLab or browser (about a minute): for a quick look while editing.
quick-test: setup notebooks
	$(BIN)/python -m pytest -q -m "not slow"

## Debian's Chromium for the browser tests (never a browser download of a test tool).
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -q && apt-get install -y -q chromium; \
	  else echo "The browser tests need Debian's chromium: run 'sudo apt-get install -y chromium'" >&2; exit 1; fi; }

## JupyterLab on notebooks/ with the project's kernel, its kernels on Unix sockets (no TCP port).
lab: setup notebooks
	$(BIN)/jupyter lab --notebook-dir=notebooks --KernelManager.transport=ipc

## The notebooks as dashboards without code (Voilà, offline: the project's template loads nothing
## from a CDN), at http://localhost:8866/. A tab's kernel is shut down CLOSE_GRACE seconds after the tab
## closes (analytics.run.tab_kernels); any kernel idle for CULL_IDLE seconds is shut down too (checked
## every CULL_EVERY seconds). voila.json (src/analytics/publish/voila/)
## leaves out the jupytext lab extension, which cannot load in Voilà, and starts kernels on Unix sockets
## (no TCP port; the server itself listens on 127.0.0.1 only, without a token: one user on this machine).
CLOSE_GRACE ?= 10
CULL_IDLE ?= 300
CULL_EVERY ?= 60
dashboard: setup notebooks
	JUPYTER_PATH=$(CURDIR)/src/analytics/publish JUPYTER_CONFIG_PATH=$(CURDIR)/src/analytics/publish/voila \
	  $(BIN)/voila notebooks --template=offline \
	  --no-browser --port=8866 --Voila.ip=127.0.0.1 \
	  --MappingKernelManager.cull_idle_timeout=$(CULL_IDLE) --MappingKernelManager.cull_interval=$(CULL_EVERY) \
	  --TabKernelManager.close_grace=$(CLOSE_GRACE)

## Rebuild the partial plotly.js the pages embed, from the npm packages pinned in tools/plotly-bundle/
## (plotly.js at the version plotly.py embeds; the result is committed under src/analytics/publish/assets/).
plotly-bundle:
	cd tools/plotly-bundle && npm ci --no-audit --no-fund --ignore-scripts && \
	  node build.js $(CURDIR)/src/analytics/publish/assets/plotly-partial.min.js

benchmarks: setup browser
	$(BIN)/python benchmarks/import_time.py
	taskset -c 0 $(BIN)/python benchmarks/distance_grid.py
	$(BIN)/python benchmarks/briefing_speed.py
	$(BIN)/python benchmarks/mission_scale.py
	$(BIN)/python benchmarks/ookla_ingest.py
	$(BIN)/python benchmarks/uptake_speed.py

lint: setup
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/lint-imports --no-cache
