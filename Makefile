# Two commands do all the set-up on a fresh machine:
#   make book   -> builds the HTML book into _build/html
#   make test   -> unit tests + every chapter re-executed by nbval + the book build with warnings as errors
# Both create or refresh the local virtual environment (.venv) first.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
# torch is installed first and on its own: a plain `torch` requirement pulls GBs of CUDA wheels where
# a CPU build is all you need. Override for your machine, e.g. `make test TORCH_SPEC=torch`.
TORCH_SPEC ?= torch==2.13.0
# Real datasets are read from a local mirror when one is found beside the repository.
DATA_MIRROR ?= $(firstword $(wildcard ../shared/data))
ifneq ($(DATA_MIRROR),)
export PTMCOURSE_DATA_MIRROR ?= $(abspath $(DATA_MIRROR))
endif
export PTMCOURSE_QUIET ?= 1
# OpenMP's default wait policy (threads spin briefly between parallel regions) is the fastest on a quiet
# machine: measured here it runs the GPT-scaling chapter in 57 s against 99 s with OMP_WAIT_POLICY=PASSIVE.
# On a busy machine (other heavy processes on the same cores) spinning threads can slow training tenfold:
# there, run `OMP_WAIT_POLICY=PASSIVE make test` (results are unchanged either way).
NBVAL_FLAGS := --nbval --nbval-current-env --nbval-sanitize-with tests/nbval_sanitize.cfg
CHAPTERS := $(wildcard book/*.ipynb)
JB_FLAGS := --all -W -n --keep-going

.PHONY: venv book test unit chapters runtimes clean

$(VENV)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -c "import torch" 2>/dev/null || $(BIN)/python -m pip install --quiet "$(TORCH_SPEC)"
	$(BIN)/python -m pip install --quiet -e ".[book,dev]"
	touch $@

venv: $(VENV)/.installed

book: venv
	$(BIN)/jupyter-book build $(JB_FLAGS) .
	@echo "The book is in _build/html/index.html"

test: venv
	$(BIN)/python -m pytest tests $(CHAPTERS) $(NBVAL_FLAGS)
	$(BIN)/jupyter-book build $(JB_FLAGS) .

unit: venv
	$(BIN)/python -m pytest tests

chapters: venv
	$(BIN)/python -m pytest $(CHAPTERS) $(NBVAL_FLAGS)

runtimes: venv
	$(BIN)/python -m ptmcourse.booktools runtimes

clean:
	rm -rf _build $(VENV)
