# Two commands on a fresh machine: `make run` and `make test`. Both create .venv when needed and
# reuse it while pyproject.toml is unchanged.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DB ?= sample_data/.sample-project.db

.PHONY: run test lint bench clean bytecode

$(STAMP): pyproject.toml
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "need $(PYTHON) (Python 3.11)"; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $(STAMP)

# Our package's bytecode, as pip writes it for a non-editable install: an editable install writes
# none, and where PYTHONDONTWRITEBYTECODE is set (CI, some shells) every `annotator` process
# then compiled each of its modules from source, 0.1 CPU s of every command (a third of a short
# one's start-up). Imports still read these files under that variable. Cheap when nothing
# changed; a file older than its source is harmless: Python checks the source's size and time
# and compiles a changed module again (in memory).
bytecode: $(STAMP)
	$(BIN)/python -m compileall -q annotator

# Checks that Qt's platform plugin finds the desktop's system libraries (on Linux with a display;
# installs the missing Debian packages as root or with passwordless sudo, otherwise prints the
# apt-get command and stops), imports the samples (again is harmless: duplicates are skipped and
# counted) and pre-annotates them, so the window opens with spaCy's candidate entities and the
# section suggestions in place.
run: $(STAMP) bytecode
	$(BIN)/python -m annotator.qt_deps --install
	$(BIN)/annotator import --db $(DB) --preannotate sample_data
	$(BIN)/annotator gui --db $(DB)

# One pytest worker process per core (pytest-xdist): each test file whole in one worker (its
# module-scoped fixtures, a trained model or a cluster, are built once), the benchmark smoke
# runs first and one each (tests/conftest.py); every worker is a separate process with its own
# offscreen QApplication and temporary folders.
test: $(STAMP) bytecode
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest -q -n logical --dist loadfile \
		--no-loadscope-reorder

lint: $(STAMP)
	$(BIN)/ruff check .

bench: $(STAMP) bytecode
	$(BIN)/python bench/run --quick

clean:
	rm -rf $(VENV) $(DB) $(DB)-wal $(DB)-shm
