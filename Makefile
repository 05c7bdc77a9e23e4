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
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(VENV)/bin/transcribe-kit process audio/sample.mp3 -o outputs

test: $(STAMP)
	$(PY) -m pytest -q

bench: $(STAMP)
	$(PY) bench/asr.py --episode podcast_004_short
	$(PY) bench/captions.py --episode podcast_004_short

clean:
	rm -rf $(VENV) outputs/*/
