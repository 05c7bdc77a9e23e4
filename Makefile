# Set-up and everyday commands. Everything installs from the package registries;
# nothing is downloaded at run time.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
PIP    := $(PY) -m pip
STAMP  := $(VENV)/.installed

.PHONY: install demo test bench clean

$(STAMP): pyproject.toml constraints.txt Makefile
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	# torch first, pinned: the local CPU wheel (an unpinned torch pulls a multi-GB CUDA build)
	$(PIP) install -q torch==2.13.0
	$(PIP) install -q -c constraints.txt -e '.[openai,test,bench]'
	# openai-whisper without its dependencies (they would pull triton/CUDA); its needs are in [openai]
	$(PIP) install -q --no-deps openai-whisper==20250625
	$(PY) -m transcribe_kit models > /dev/null
	# the editor's browser test drives Debian's chromium through playwright (never `playwright install`)
	command -v chromium > /dev/null || { apt-get update -qq && apt-get install -y -qq chromium; } \
		|| echo "warning: could not install chromium; the browser test will be skipped"
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(VENV)/bin/transcribe-kit process audio/sample.mp3 -o outputs

test: $(STAMP)
	$(PY) -m pytest -q

bench: $(STAMP)
	$(PY) bench/asr.py --episode podcast_004_short
	$(PY) bench/captions.py --episode podcast_004_short
	flock /tmp/heavy.lock $(PY) bench/edit.py

clean:
	rm -rf $(VENV) outputs/*/
