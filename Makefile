# ToB Ops Academy. Two commands do all the set-up on a fresh machine with Python 3.11:
#   make demo   install into .venv, build, run a synthetic cohort end to end, write the report
#   make test   install into .venv and run the whole test suite
PY ?= python3
VENV := .venv
BIN := $(CURDIR)/$(VENV)/bin
STAMP := $(VENV)/.installed
export PATH := $(BIN):$(PATH)

.PHONY: install demo test lab instructor hub data assessments clean

$(STAMP): pyproject.toml constraints.txt
	@$(PY) -c 'import sys; assert sys.version_info >= (3, 11), "Python 3.11+ needed, found " + sys.version.split()[0]'
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	@# uv installs the pinned set in about 20 s where pip takes about 80 (pip stays the fallback).
	@# Both compile every module to bytecode now, once, and so does compileall for the course's
	@# own package: Python never writes bytecode where PYTHONDONTWRITEBYTECODE is set, nor inside
	@# a sandbox (read-only), and every kernel, server and command would otherwise compile
	@# pandas, IPython, nbgrader and tobops from source again.
	$(BIN)/python -m pip install --quiet -c constraints.txt uv
	$(BIN)/uv pip install --quiet --compile-bytecode --python $(BIN)/python -c constraints.txt -e '.[dev]' || \
	  $(BIN)/python -m pip install --quiet -c constraints.txt -e '.[dev]'
	$(BIN)/python -m compileall -q tobops
	mkdir -p $(VENV)/share/jupyter/lab/settings
	cp tools/lab-overrides.json $(VENV)/share/jupyter/lab/settings/overrides.json
	@# bubblewrap sandboxes graded trainee code; a CJK font renders Chinese; Chromium checks the report
	@command -v bwrap >/dev/null && command -v chromium >/dev/null && fc-list 2>/dev/null | grep -qi cjk\|wqy || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null && \
	  (apt-get update -qq && apt-get install -y -qq bubblewrap fonts-wqy-zenhei chromium >/dev/null) || \
	  echo "NOTE: install bubblewrap (bwrap) so that graded trainee code is sandboxed, and a CJK font"; }
	touch $@

install: $(STAMP)

demo: $(STAMP)
	rm -rf demo-output
	@# 10 s a cell: the synthetic trainee with an endless loop is stopped sooner than the 30 s a real course allows
	$(BIN)/tobops demo --dir demo-output --cell-timeout 10

test: $(STAMP)
	$(BIN)/python -m pytest -n 2 --dist loadgroup -q --durations=15

# trainees: JupyterLab in workspace/ (lessons and fetched assessments; no keys in view); LESSON_LANG=zh for Chinese
lab: $(STAMP)
	$(BIN)/tobops lab --lang $(or $(LESSON_LANG),en)

# instructors: JupyterLab at the course folder, with formgrader
instructor: $(STAMP)
	$(BIN)/jupyter lab --ServerApp.root_dir=$(CURDIR) --LabApp.default_url=/lab/tree/README.md

# JupyterHub for a training room on 127.0.0.1:8000 (roster, passwords: hub-data/; see README)
hub: $(STAMP)
	$(BIN)/tobops hub --data hub-data

data: $(STAMP)
	$(BIN)/tobops data build

assessments: $(STAMP)
	$(BIN)/tobops build

clean:
	rm -rf demo-output reports assignments/release assignments/submitted assignments/autograded \
	       assignments/feedback assignments/gradebook.db .exchange hub-data workspace
