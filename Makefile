# Set-up and everyday commands. Everything installs from the package registries;
# nothing is downloaded at run time.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
PIP    := $(PY) -m pip
STAMP  := $(VENV)/.installed

.PHONY: install demo test bench clean

# Browser tests (the editor's and the published page's): Debian's Chromium driven by Playwright
# (never `playwright install`, which downloads a browser build), and axe-core from npm (pinned
# in tests/js/package-lock.json).
CHROMIUM := /usr/bin/chromium
AXE      := tests/js/node_modules/axe-core/axe.min.js
SUDO     := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

$(STAMP): pyproject.toml constraints.txt Makefile
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	# torch first, pinned: the local CPU wheel (an unpinned torch pulls a multi-GB CUDA build)
	$(PIP) install -q torch==2.13.0
	$(PIP) install -q -c constraints.txt -e '.[openai,diarize,test,bench]'
	# openai-whisper without its dependencies (they would pull triton/CUDA); its needs are in [openai]
	$(PIP) install -q --no-deps openai-whisper==20250625
	# speaker models: only the weight files of these wheels are used (their deps would pull CUDA torch)
	$(PIP) install -q --no-deps whisperx==3.8.6 resemblyzer==0.1.4
	# torchaudio 2.11.0 from PyPI is CUDA-linked: without its .so files it imports in pure-Python mode
	$(PY) -c "import pathlib, sysconfig; lib = pathlib.Path(sysconfig.get_paths()['purelib'], 'torchaudio', 'lib'); \
	  [(lib / n).unlink(missing_ok=True) for n in ('_torchaudio.abi3.so', 'libtorchaudio.abi3.so', 'torchaudio_prefixctc.abi3.so')]"
	$(PY) -c "import torchaudio"
	$(PY) -m transcribe_kit models > /dev/null
	touch $(STAMP)

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
	$(PY) -m pytest -q

bench: $(STAMP)
	$(PY) bench/asr.py --episode podcast_004_short
	$(PY) bench/captions.py --episode podcast_004_short
	flock /tmp/heavy.lock $(PY) bench/edit.py
	flock /tmp/heavy.lock $(PY) bench/batch.py
	$(PY) bench/chapters.py --episode podcast_004_short

clean:
	rm -rf $(VENV) outputs/*/
