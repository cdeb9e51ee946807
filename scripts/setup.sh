#!/usr/bin/env bash
# Installs the Debian packages nnlab needs, and only those that are missing. Idempotent.
# Uses sudo when not run as root. Prints what it installs.
set -euo pipefail

packages=(
  build-essential cmake pkg-config   # compiler and build
  libdnnl-dev                        # oneDNN: matrix products and convolutions
  ocl-icd-opencl-dev                 # OpenCL headers: oneDNN's CMake package requires them
  libfmt-dev                         # fmt: error messages and text output
  zlib1g-dev                         # zlib: gzip-compressed dataset files
  nlohmann-json3-dev                 # JSON: safetensors headers, metrics logs
  libtomlplusplus-dev                # toml++: experiment configs
  libcli11-dev                       # CLI11: the nnlab command's flags and sub-commands
  libpng-dev libjpeg-dev             # libpng, libjpeg-turbo: image-folder datasets
  libgtest-dev                       # GoogleTest: the test suite
  libbenchmark-dev                   # Google Benchmark: bench/ micro-benchmarks
  dataset-fashion-mnist              # the default dataset
  liblapacke-dev                     # LAPACKE: the eigen-solver behind PCA of weight snapshots
  libxgboost-dev                     # XGBoost's C API: E7's gradient-boosted trees baseline
  libprotobuf-dev protobuf-compiler  # protobuf: TensorBoard event files
  libplplot-dev plplot-driver-cairo  # PLplot with its cairo driver: PNG and SVG plots
  fonts-dejavu-core                  # the font the plots' text is drawn in
  libjs-chart.js                     # Chart.js: inlined into report.html's interactive charts
  chromium                           # headless browser: the report test loads report.html in it
  libopenmpi-dev openmpi-bin         # OpenMPI: `mpirun nnlab sweep` spreads a sweep over machines
)
if [ "${NNLAB_WITH_TORCH:-0}" = 1 ]; then
  # The reference side of `make bench` and `make fixtures`; OpenBLAS so that PyTorch runs at its
  # best (without it, Debian's torch falls back to the slow reference BLAS).
  packages+=(python3-torch python3-numpy libopenblas0-pthread)
fi
if [ "${NNLAB_WITH_FUZZ:-0}" = 1 ]; then
  # `make fuzz` (CI runs it too): clang, whose libFuzzer and sanitizer runtimes are in
  # libclang-rt-14-dev (only recommended by clang, and recommends are not installed here), and
  # clang's OpenMP runtime, libomp.
  packages+=(clang libclang-rt-14-dev libomp-dev)
fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

sudo=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "setup: need root or sudo to install: ${missing[*]}" >&2; exit 1; }
  sudo=sudo
fi
echo "setup: installing ${missing[*]}"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
