# nnlab's front door. `make run` and `make test` do all the set-up on a fresh Debian 12.
BUILD ?= build
JOBS ?= $(shell nproc)
CMAKE_FLAGS ?=

.PHONY: all setup build run test bench fixtures clean

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

# Regenerates the PyTorch reference fixtures (needs python3-torch) and shows what changed.
fixtures:
	NNLAB_WITH_TORCH=1 bash scripts/setup.sh
	/usr/bin/python3 tests/fixtures/gen_ops.py
	/usr/bin/python3 tests/fixtures/gen_checkpoint.py
	/usr/bin/python3 tests/fixtures/gen_optim.py
	/usr/bin/python3 tests/fixtures/gen_resnet.py
	/usr/bin/python3 tests/fixtures/gen_resize.py
	git status --short tests/fixtures
