# nnlab's front door. `make run` and `make test` do all the set-up on a fresh Debian 12.
BUILD ?= build
JOBS ?= $(shell nproc)
CMAKE_FLAGS ?=

.PHONY: all setup build run test bench fixtures fuzz clean

all: build

setup:
	@bash scripts/setup.sh

$(BUILD)/CMakeCache.txt:
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=Release $(CMAKE_FLAGS)

build: setup $(BUILD)/CMakeCache.txt
	cmake --build $(BUILD) -j $(JOBS)

# The default experiment: an MLP on Fashion-MNIST, trained by the nnlab command.
CONFIG ?= experiments/fashion-mlp.toml
run: build
	$(BUILD)/nnlab train $(CONFIG)

test: build
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS)

bench: build
	NNLAB_WITH_TORCH=1 bash scripts/setup.sh
	BUILD=$(BUILD) bash bench/run.sh $(ARGS)

clean:
	rm -rf $(BUILD)

# Every file reader's fuzz target (fuzz/README.md) for FUZZ_SECONDS each, after replaying the
# committed corpus and regressions; fails on any finding. A clang build of its own, in build-fuzz.
FUZZ_SECONDS ?= 600
fuzz:
	NNLAB_WITH_FUZZ=1 bash scripts/setup.sh
	cmake --preset fuzz $(CMAKE_FLAGS) > /dev/null
	cmake --build build-fuzz -j $(JOBS) --target fuzz_all
	cd build-fuzz && ctest --output-on-failure -j $(JOBS)
	FUZZ_SECONDS=$(FUZZ_SECONDS) bash fuzz/run.sh build-fuzz

# Regenerates the PyTorch reference fixtures (needs python3-torch) and shows what changed.
fixtures:
	NNLAB_WITH_TORCH=1 bash scripts/setup.sh
	/usr/bin/python3 tests/fixtures/gen_ops.py
	/usr/bin/python3 tests/fixtures/gen_checkpoint.py
	/usr/bin/python3 tests/fixtures/gen_optim.py
	/usr/bin/python3 tests/fixtures/gen_resnet.py
	/usr/bin/python3 tests/fixtures/gen_resize.py
	git status --short tests/fixtures
