# The two commands of README.md: `make run` and `make test`. Everything they need is installed
# by scripts/install-deps.sh (Debian packages) and `npm ci` (test-only JavaScript tools).
SHELL := /bin/bash
JOBS ?= $(shell nproc)
BUILD := build
ASAN_BUILD := build-asan
FUZZ_BUILD := build-fuzz

# As root the daemon uses its production defaults; otherwise it runs from ./.run.
ifeq ($(shell id -u),0)
RUN_ARGS ?=
else
RUN_ARGS ?= --uds-path $(CURDIR)/.run/cryfttee.sock --data-dir $(CURDIR)/.run/data --kiosk-addr 127.0.0.1:8323
endif

PKG_BUILD := $(BUILD)/pkg
# make deb PUBLISHER_KEY_DIR=/path/with/publisher.key+publisher.pub signs the packaged modules
# with that key; without it the package ships the Release tree's development key (test use only).
PUBLISHER_KEY_DIR ?=
PKG_TARGETS := cryfttee cryfttee-enclave cryftteectl cryfttee_signed_modules cryfttee_ui

.PHONY: all deps build run deb test test-unit test-asan fuzz-smoke check-layers check-format format clean

all: build

deps:
	@scripts/install-deps.sh
	@if [ package-lock.json -nt node_modules/.package-lock.json ] || [ ! -d node_modules ]; then \
	  npm ci --no-audit --no-fund --loglevel=error; fi

$(BUILD)/build.ninja:
	@cmake --preset dev >/dev/null

build: deps $(BUILD)/build.ninja
	@cmake --build $(BUILD) -j $(JOBS)

run: build
	@mkdir -p .run
	@echo "cryfttee: starting with embedded defaults $(RUN_ARGS)"
	@exec $(BUILD)/bin/cryfttee $(RUN_ARGS)

# The Debian package, from a Release tree of its own (build/pkg: -O2 as Debian builds, since
# GCC 12 at -O3 warns falsely in libstdc++; only what the package holds is compiled there),
# stripped by CPack; it lands in build/. See packaging/CMakeLists.txt.
deb: deps
	@cmake --preset package -DCRYFTTEE_PUBLISHER_KEY_DIR="$(PUBLISHER_KEY_DIR)" >/dev/null
	@cmake --build $(PKG_BUILD) -j $(JOBS) --target $(PKG_TARGETS)
	@cd $(PKG_BUILD) && cpack -G DEB -B $(CURDIR)/$(BUILD) >/dev/null
	@rm -rf $(BUILD)/_CPack_Packages
	@ls -l $(BUILD)/cryfttee_*.deb
	@if [ -z "$(PUBLISHER_KEY_DIR)" ]; then \
	  echo "make deb: modules signed with the DEVELOPMENT key of $(PKG_BUILD)/dev-publisher;" \
	       "release with PUBLISHER_KEY_DIR=... (docs/operations.md)"; fi

check-layers:
	@scripts/check-layers.sh

check-format:
	@scripts/check-format.sh

test-unit: build
	@ctest --test-dir $(BUILD) --output-on-failure -j $(JOBS)

# Multi-process tests (label integration: real daemons over real sockets) run once, in the normal
# build; the sanitizer build runs the in-process suites, where ASan/UBSan see the code directly.
test-asan: deps
	@cmake --preset asan >/dev/null
	@cmake --build $(ASAN_BUILD) -j $(JOBS)
	@ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	  ctest --test-dir $(ASAN_BUILD) --output-on-failure -j $(JOBS) -LE 'no-sanitizer|browser|integration'

fuzz-smoke: deps
	@cmake --preset fuzz >/dev/null
	@targets=$$(cmake --build $(FUZZ_BUILD) --target help | grep -oE '^[a-z_]+_fuzzer' | sort -u); \
	  if [ -n "$$targets" ]; then cmake --build $(FUZZ_BUILD) -j $(JOBS) --target $$targets && \
	  for t in $$targets; do echo "fuzz smoke: $$t"; \
	    mkdir -p $(FUZZ_BUILD)/corpus/$$t; \
	    $(FUZZ_BUILD)/fuzz/$$t -runs=20000 -max_total_time=60 $(FUZZ_BUILD)/corpus/$$t fuzz/corpus/$${t%_fuzzer} >$(FUZZ_BUILD)/$$t.log 2>&1 || \
	    { tail -30 $(FUZZ_BUILD)/$$t.log; echo "fuzz smoke failed: $$t"; exit 1; }; done; fi

test: check-layers check-format test-unit test-asan fuzz-smoke
	@echo "make test: all suites passed"

format:
	@git ls-files '*.cc' '*.h' | xargs clang-format -i

clean:
	@rm -rf $(BUILD) $(ASAN_BUILD) $(FUZZ_BUILD)
