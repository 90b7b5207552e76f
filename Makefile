# Long-running checks that are not part of CI's test run (see docs/).
PYTHON ?= .venv/bin/python

# Fuzzing (docs/fuzzing.md): every atheris target in its own process for FUZZ_SECONDS
# (FUZZ_JOBS at a time); FUZZ_TARGETS="pdf html" narrows it. Exits non-zero on a crash,
# naming the input and the command that replays it.
FUZZ_SECONDS ?= 300
FUZZ_SHORT_SECONDS ?= 10
FUZZ_JOBS ?= 1
FUZZ_TARGETS ?=
FUZZ_WORK ?= /tmp/copyguard-fuzz

.PHONY: fuzz fuzz-short fuzz-replay fuzz-corpus

fuzz:
	$(PYTHON) -m fuzz run --seconds $(FUZZ_SECONDS) --jobs $(FUZZ_JOBS) --work $(FUZZ_WORK) --table $(FUZZ_TARGETS)

fuzz-short:
	$(PYTHON) -m fuzz run --seconds $(FUZZ_SHORT_SECONDS) --jobs 2 --work $(FUZZ_WORK) $(FUZZ_TARGETS)

fuzz-replay:
	$(PYTHON) -m fuzz replay $(FUZZ_TARGETS)

fuzz-corpus:
	$(PYTHON) -m fuzz corpus

# Fault injection (docs/reliability.md): kill -9 of web and worker processes at named
# moments, database loss, disk full. `faults` is the short pass CI runs with the suite;
# `faults-long` runs every kill test FAULTS_REPEAT times at random kill moments (seeded by
# FAULTS_SEED). Set DATABASE_URL to run them on PostgreSQL.
FAULTS_REPEAT ?= 10
FAULTS_SEED ?= 1
FAULTS_DATA ?= /tmp/copyguard-faults

.PHONY: faults faults-long

faults:
	COPYGUARD_DATA_DIR=$(FAULTS_DATA) $(PYTHON) -m pytest -q -p no:cacheprovider tests/faults

faults-long:
	COPYGUARD_DATA_DIR=$(FAULTS_DATA) COPYGUARD_FAULTS_REPEAT=$(FAULTS_REPEAT) COPYGUARD_FAULTS_SEED=$(FAULTS_SEED) \
		$(PYTHON) -m pytest -q -p no:cacheprovider -s tests/faults
