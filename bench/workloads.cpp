// bench_workloads: the training jobs of WORKLOADS.md, run with nnlab and timed end to end.
//   bench_workloads W2 [--steps N]        every variant of W2, one JSON line each
//   bench_workloads W3/b16                one variant
//   bench_workloads sgemm [--size 4096]   GFLOP/s of one large float32 matrix product
//   bench_workloads --list                the workloads and their variants
// bench/reference/workloads.py prints the same lines for PyTorch; bench/compare.py runs both.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <fstream>
#include <string>
#include <vector>

#include "nnlab/core/allocator.h"
#include "nnlab/core/parallel.h"
#include "nnlab/core/rng.h"
#include "nnlab/kernels/gemm.h"
#include "nnlab/tensor/creation.h"
#include "workloads/workload.h"

namespace nnlab::bench {
namespace {

// The registry: one line per workload.
const std::vector<Workload>& registry() {
  static const std::vector<Workload> workloads = {
      {"W1", "mlp-sigmoid", {}, run_mlp_sigmoid},
      {"W2", "mlp-deep", {}, run_mlp_deep},
      {"W3", "mlp2d-bn", {"b1", "b16", "b128", "b1024"}, run_mlp2d_bn},
      {"W4", "cnn-shallow", {}, run_cnn_shallow},
      {"W5", "cnn-deep", {}, run_cnn_deep},
      {"W6", "sinc", {}, run_sinc},
      {"W7", "rosenbrock", {"gd", "momentum", "adam"}, run_rosenbrock},
      {"W8", "resnet18", {}, run_resnet18},
      {"W9", "linear-cifar", {}, run_linear_cifar},
      {"P1", "mlp-deep-probe-cost", {}, run_probe_cost},
  };
  return workloads;
}

struct Args {
  std::string target;  // "W3", "W3/b16", "sgemm" or "--list"
  RunOptions run;
  int threads = 0;  // 0: nnlab's default, every core
  std::int64_t size = 4096;
};

[[noreturn]] void usage(const std::string& problem) {
  std::fprintf(stderr,
               "bench_workloads: %s\n"
               "usage: bench_workloads W<n>[/<variant>] [--steps N] [--threads N] [--seed N]\n"
               "                       [--prefetch | --no-prefetch] [--no-replay] [--phases]\n"
               "       bench_workloads sgemm [--size N] [--threads N]\n"
               "       bench_workloads --list\n",
               problem.c_str());
  std::exit(2);
}

std::int64_t parse_count(const std::string& flag, const char* text) {
  char* end = nullptr;
  const long long value = std::strtoll(text, &end, 10);
  if (end == text || *end != '\0' || value < 0) usage(flag + " expects a non-negative integer, got '" + text + "'");
  return value;
}

Args parse_args(int argc, char** argv) {
  Args args;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    const bool has_value = i + 1 < argc;
    if (arg == "--steps" && has_value) {
      args.run.steps = parse_count(arg, argv[++i]);
    } else if (arg == "--threads" && has_value) {
      args.threads = static_cast<int>(parse_count(arg, argv[++i]));
    } else if (arg == "--seed" && has_value) {
      args.run.seed = static_cast<std::uint64_t>(parse_count(arg, argv[++i]));
    } else if (arg == "--size" && has_value) {
      args.size = parse_count(arg, argv[++i]);
    } else if (arg == "--prefetch") {
      args.run.prefetch = true;
    } else if (arg == "--no-prefetch") {
      args.run.prefetch = false;
    } else if (arg == "--no-replay") {
      args.run.replay = false;
    } else if (arg == "--phases") {
      args.run.phases = true;
    } else if (args.target.empty() && (arg == "--list" || arg.rfind("--", 0) != 0)) {
      args.target = arg;
    } else {
      usage("unexpected argument '" + arg + "'");
    }
  }
  if (args.target.empty()) usage("name a workload");
  return args;
}

// A JSON number, or null for NaN and infinities (which JSON cannot hold).
std::string json_number(double value) {
  if (!std::isfinite(value)) return "null";
  char text[64];
  std::snprintf(text, sizeof text, "%.9g", value);
  return text;
}

// {"batch":..,"forward":..,"backward":..,"step":..}: seconds per phase over the timed steps.
std::string phases_json(const PhaseSeconds& phases) {
  return "{\"batch\":" + json_number(phases.batch) + ",\"forward\":" + json_number(phases.forward) +
         ",\"backward\":" + json_number(phases.backward) + ",\"step\":" + json_number(phases.step) + "}";
}

// Peak memory of one variant (data, model and training together), as bench/reference/workloads.py
// measures PyTorch's: the kernel's resident high-water mark (VmHWM), restarted by writing 5 to
// /proc/self/clear_refs, and the caching allocator's high-water mark of bytes held.
struct PeakMemory {
  double rss_mb = 0;
  double allocator_mb = 0;
};

void start_peak_memory() {
  memory::empty_cache();
  memory::reset_peak_stats();
  std::ofstream("/proc/self/clear_refs") << "5";
}

PeakMemory peak_memory() {
  PeakMemory peak;
  peak.allocator_mb = static_cast<double>(memory::allocator_stats().peak_reserved_bytes) / 1e6;
  std::ifstream status("/proc/self/status");
  for (std::string line; std::getline(status, line);) {
    if (line.starts_with("VmHWM:")) peak.rss_mb = std::atof(line.c_str() + 6) / 1e3;  // "VmHWM:  123456 kB"
  }
  return peak;
}

void print_result(const Workload& workload, const Result& result, const PeakMemory& peak, bool phases) {
  std::string variant;
  if (!result.variant.empty()) variant = ",\"variant\":\"" + result.variant + "\"";
  std::string phase_field;
  if (phases && result.phases) phase_field = ",\"phase_seconds\":" + phases_json(*result.phases);
  std::printf(
      "{\"workload\":\"%s\"%s,\"name\":\"%s\",\"impl\":\"nnlab\",\"batch\":%lld,\"steps\":%lld,\"samples\":%lld,"
      "\"seconds\":%s,\"samples_per_s\":%s,\"final_loss\":%s,\"threads\":%d,\"peak_rss_mb\":%s,"
      "\"allocator_peak_mb\":%s%s}\n",
      workload.id.c_str(), variant.c_str(), workload.name.c_str(), static_cast<long long>(result.batch),
      static_cast<long long>(result.steps), static_cast<long long>(result.samples), json_number(result.seconds).c_str(),
      json_number(static_cast<double>(result.samples) / result.seconds).c_str(), json_number(result.final_loss).c_str(),
      num_threads(), json_number(peak.rss_mb).c_str(), json_number(peak.allocator_mb).c_str(), phase_field.c_str());
  std::fflush(stdout);
}

// The best of three (after one warm-up) n x n x n float32 products through kernels::gemm.
void run_sgemm(std::int64_t n) {
  Rng rng(1);
  const Tensor a = randn({n, n}, rng), b = randn({n, n}, rng), c = Tensor::empty({n, n});
  double best = 1e300;
  for (int i = 0; i < 4; ++i) {
    const auto start = std::chrono::steady_clock::now();
    kernels::gemm(a.view(), kernels::Transpose::no, b.view(), kernels::Transpose::no, c.mut_view());
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (i > 0) best = std::min(best, seconds);
  }
  const double gflops = 2.0 * static_cast<double>(n) * static_cast<double>(n) * static_cast<double>(n) / best / 1e9;
  std::printf("{\"workload\":\"sgemm\",\"impl\":\"nnlab\",\"size\":%lld,\"seconds\":%s,\"gflops\":%s,\"threads\":%d}\n",
              static_cast<long long>(n), json_number(best).c_str(), json_number(gflops).c_str(), num_threads());
}

void list_workloads() {
  for (const Workload& workload : registry()) {
    std::string variants;
    for (const std::string& variant : workload.variants) variants += " " + variant;
    std::printf("%s %s%s\n", workload.id.c_str(), workload.name.c_str(), variants.c_str());
  }
}

int run(const Args& args) {
  if (args.threads > 0) set_num_threads(args.threads);
  if (args.target == "--list") {
    list_workloads();
    return 0;
  }
  if (args.target == "sgemm") {
    run_sgemm(args.size);
    return 0;
  }
  const std::size_t slash = args.target.find('/');
  const std::string id = args.target.substr(0, slash);
  const std::string only = slash == std::string::npos ? "" : args.target.substr(slash + 1);
  const auto found = std::find_if(registry().begin(), registry().end(), [&](const Workload& w) { return w.id == id; });
  if (found == registry().end()) usage("unknown workload '" + id + "' (see --list)");
  std::vector<std::string> variants = found->variants.empty() ? std::vector<std::string>{""} : found->variants;
  if (!only.empty()) {
    if (std::find(variants.begin(), variants.end(), only) == variants.end()) {
      usage("workload " + id + " has no variant '" + only + "' (see --list)");
    }
    variants = {only};
  }
  for (const std::string& variant : variants) {
    start_peak_memory();
    Result result = found->run(variant, args.run);
    const PeakMemory peak = peak_memory();
    if (result.variant.empty()) result.variant = variant;
    print_result(*found, result, peak, args.run.phases);
    for (const Result& baseline : result.baseline) print_result(*found, baseline, peak, args.run.phases);
  }
  return 0;
}

}  // namespace
}  // namespace nnlab::bench

int main(int argc, char** argv) {
  const nnlab::bench::Args args = nnlab::bench::parse_args(argc, argv);
  try {
    return nnlab::bench::run(args);
  } catch (const std::exception& error) {
    std::fprintf(stderr, "bench_workloads: %s\n", error.what());
    return 1;
  }
}
