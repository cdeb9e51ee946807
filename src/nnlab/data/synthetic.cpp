#include "nnlab/data/synthetic.h"

#include <cmath>
#include <numbers>
#include <span>
#include <vector>

#include "nnlab/core/check.h"
#include "nnlab/core/rng.h"

namespace nnlab::data {

namespace {

constexpr double kPi = std::numbers::pi;

void check_counts(const char* where, std::int64_t n, std::int64_t classes) {
  NNLAB_CHECK(n >= 1, ValueError, "{}: n must be at least 1, got {}", where, n);
  NNLAB_CHECK(classes >= 2, ValueError, "{}: classes must be at least 2, got {}", where, classes);
}

void check_noise(const char* where, double noise) {
  NNLAB_CHECK(noise >= 0.0 && std::isfinite(noise), ValueError, "{}: noise must be finite and >= 0, got {}", where,
              noise);
}

// `count` float draws from N(0, stddev^2).
std::vector<float> gaussian(Rng& rng, std::int64_t count, double stddev) {
  std::vector<float> out(static_cast<std::size_t>(count));
  rng.fill_normal(std::span<float>(out), 0.0, stddev);
  return out;
}

// Packs points (n * dims, row-major) and labels i % classes into a validated dataset.
Dataset make_classification(std::vector<float> points, std::int64_t n, std::int64_t dims, std::int64_t classes,
                            std::string name) {
  std::vector<std::int64_t> labels(static_cast<std::size_t>(n));
  for (std::int64_t i = 0; i < n; ++i) labels[static_cast<std::size_t>(i)] = i % classes;
  Dataset out;
  out.inputs = Tensor::from_vector<float>(points, {n, dims});
  out.targets = Tensor::from_vector<std::int64_t>(labels, {n});
  out.task = Task::classification;
  out.num_classes = classes;
  out.name = std::move(name);
  validate(out);
  return out;
}

}  // namespace

Dataset map_clusters(std::int64_t n, std::uint64_t seed, std::int64_t classes) {
  check_counts("map_clusters", n, classes);
  Rng rng(seed);
  std::vector<double> centres(static_cast<std::size_t>(classes * 2));
  rng.fill_uniform(std::span<double>(centres), -1.0, 1.0);
  // 0.15 lets neighbouring clusters touch, so the boundaries are not all trivially linear.
  std::vector<float> points = gaussian(rng, n * 2, 0.15);
  for (std::int64_t i = 0; i < n; ++i) {
    const auto k = static_cast<std::size_t>(i % classes);
    points[static_cast<std::size_t>(2 * i)] += static_cast<float>(centres[2 * k]);
    points[static_cast<std::size_t>(2 * i + 1)] += static_cast<float>(centres[2 * k + 1]);
  }
  return make_classification(std::move(points), n, 2, classes, "map_clusters");
}

Dataset spirals(std::int64_t n, std::uint64_t seed, std::int64_t classes, double noise) {
  check_counts("spirals", n, classes);
  check_noise("spirals", noise);
  Rng rng(seed);
  std::vector<float> points = gaussian(rng, n * 2, noise);
  const std::int64_t per_class = (n + classes - 1) / classes;
  for (std::int64_t i = 0; i < n; ++i) {
    const std::int64_t k = i % classes;
    const double t = (static_cast<double>(i / classes) + 0.5) / static_cast<double>(per_class);  // in (0, 1)
    // each arm turns through 4 radians while the radius grows from 0 to 1 (as CS231n's spirals)
    const double theta = 2.0 * kPi * static_cast<double>(k) / static_cast<double>(classes) + 4.0 * t;
    points[static_cast<std::size_t>(2 * i)] += static_cast<float>(t * std::cos(theta));
    points[static_cast<std::size_t>(2 * i + 1)] += static_cast<float>(t * std::sin(theta));
  }
  return make_classification(std::move(points), n, 2, classes, "spirals");
}

Dataset moons(std::int64_t n, std::uint64_t seed, double noise) {
  check_counts("moons", n, 2);
  check_noise("moons", noise);
  Rng rng(seed);
  std::vector<float> points = gaussian(rng, n * 2, noise);
  const std::int64_t per_class = (n + 1) / 2;
  for (std::int64_t i = 0; i < n; ++i) {
    const double denom = per_class > 1 ? static_cast<double>(per_class - 1) : 1.0;
    const double t = kPi * static_cast<double>(i / 2) / denom;
    const bool outer = i % 2 == 0;
    const double x = outer ? std::cos(t) : 1.0 - std::cos(t);
    const double y = outer ? std::sin(t) : 0.5 - std::sin(t);
    points[static_cast<std::size_t>(2 * i)] += static_cast<float>(x);
    points[static_cast<std::size_t>(2 * i + 1)] += static_cast<float>(y);
  }
  return make_classification(std::move(points), n, 2, 2, "moons");
}

Dataset circles(std::int64_t n, std::uint64_t seed, double noise, double factor) {
  check_counts("circles", n, 2);
  check_noise("circles", noise);
  NNLAB_CHECK(factor > 0.0 && factor < 1.0, ValueError, "circles: factor must be in (0, 1), got {}", factor);
  Rng rng(seed);
  std::vector<float> points = gaussian(rng, n * 2, noise);
  const std::int64_t per_class = (n + 1) / 2;
  for (std::int64_t i = 0; i < n; ++i) {
    const double t = 2.0 * kPi * static_cast<double>(i / 2) / static_cast<double>(per_class);
    const double r = i % 2 == 0 ? 1.0 : factor;
    points[static_cast<std::size_t>(2 * i)] += static_cast<float>(r * std::cos(t));
    points[static_cast<std::size_t>(2 * i + 1)] += static_cast<float>(r * std::sin(t));
  }
  return make_classification(std::move(points), n, 2, 2, "circles");
}

Dataset xor_points(std::int64_t n, std::uint64_t seed, double noise) {
  check_counts("xor_points", n, 2);
  check_noise("xor_points", noise);
  Rng rng(seed);
  std::vector<double> magnitude(static_cast<std::size_t>(n * 2));
  rng.fill_uniform(std::span<double>(magnitude), 0.0, 1.0);
  std::vector<float> points = gaussian(rng, n * 2, noise);
  for (std::int64_t i = 0; i < n; ++i) {
    // label i % 2: even examples get equal signs (class 0), odd ones opposite signs (class 1);
    // the sign of x alternates every two examples, so all four quadrants are equally filled
    const bool same_signs = i % 2 == 0;
    const double sx = (i / 2) % 2 == 0 ? 1.0 : -1.0;
    const double sy = same_signs ? sx : -sx;
    points[static_cast<std::size_t>(2 * i)] += static_cast<float>(sx * magnitude[static_cast<std::size_t>(2 * i)]);
    points[static_cast<std::size_t>(2 * i + 1)] +=
        static_cast<float>(sy * magnitude[static_cast<std::size_t>(2 * i + 1)]);
  }
  return make_classification(std::move(points), n, 2, 2, "xor_points");
}

Dataset blobs(std::int64_t n, std::uint64_t seed, std::int64_t classes, std::int64_t dims, double stddev) {
  check_counts("blobs", n, classes);
  NNLAB_CHECK(dims >= 1, ValueError, "blobs: dims must be at least 1, got {}", dims);
  NNLAB_CHECK(stddev >= 0.0 && std::isfinite(stddev), ValueError, "blobs: stddev must be finite and >= 0, got {}",
              stddev);
  Rng rng(seed);
  std::vector<double> centres(static_cast<std::size_t>(classes * dims));
  rng.fill_uniform(std::span<double>(centres), -10.0, 10.0);  // sklearn's center_box
  std::vector<float> points = gaussian(rng, n * dims, stddev);
  for (std::int64_t i = 0; i < n; ++i) {
    const std::int64_t k = i % classes;
    for (std::int64_t d = 0; d < dims; ++d) {
      points[static_cast<std::size_t>(i * dims + d)] +=
          static_cast<float>(centres[static_cast<std::size_t>(k * dims + d)]);
    }
  }
  return make_classification(std::move(points), n, dims, classes, "blobs");
}

double sinc5pi(double x) {
  const double z = 5.0 * kPi * x;
  // below 1e-8 the series 1 - z^2/6 equals 1 in double precision; this also avoids 0/0
  return std::abs(z) < 1e-8 ? 1.0 : std::sin(z) / z;
}

ScalarFunction named_function(const std::string& name) {
  if (name == "sinc") return sinc5pi;
  if (name == "sin") return [](double x) { return std::sin(kPi * x); };
  if (name == "square") return [](double x) { return x * x; };
  NNLAB_CHECK(false, ValueError, "named_function: one of \"sinc\", \"sin\", \"square\" expected, got \"{}\"", name);
  return {};
}

Dataset function_regression(std::int64_t n, std::uint64_t seed, double low, double high, const ScalarFunction& fn,
                            XSampling sampling) {
  NNLAB_CHECK(n >= 1, ValueError, "function_regression: n must be at least 1, got {}", n);
  NNLAB_CHECK(low < high && std::isfinite(low) && std::isfinite(high), ValueError,
              "function_regression: a finite interval with low < high expected, got [{}, {}]", low, high);
  NNLAB_CHECK(static_cast<bool>(fn), ValueError, "function_regression: a function expected, got an empty one");
  std::vector<double> xs(static_cast<std::size_t>(n));
  if (sampling == XSampling::uniform) {
    Rng rng(seed);
    rng.fill_uniform(std::span<double>(xs), low, high);
  } else {
    for (std::int64_t i = 0; i < n; ++i) {
      xs[static_cast<std::size_t>(i)] =
          n == 1 ? low : low + (high - low) * static_cast<double>(i) / static_cast<double>(n - 1);
    }
  }
  std::vector<float> inputs(xs.size());
  std::vector<float> targets(xs.size());
  for (std::size_t i = 0; i < xs.size(); ++i) {
    inputs[i] = static_cast<float>(xs[i]);
    targets[i] = static_cast<float>(fn(xs[i]));
  }
  Dataset out;
  out.inputs = Tensor::from_vector<float>(inputs, {n, 1});
  out.targets = Tensor::from_vector<float>(targets, {n, 1});
  out.task = Task::regression;
  out.name = "function_regression";
  validate(out);
  return out;
}

Dataset random_labels(const Dataset& dataset, std::uint64_t seed) {
  NNLAB_CHECK(dataset.task == Task::classification, ValueError,
              "random_labels: a classification dataset expected, got a regression dataset \"{}\"", dataset.name);
  validate(dataset);
  Rng rng(seed);
  std::vector<std::int64_t> labels(static_cast<std::size_t>(dataset.size()));
  for (auto& label : labels)
    label = static_cast<std::int64_t>(rng.below(static_cast<std::uint64_t>(dataset.num_classes)));
  Dataset out = dataset;
  out.targets = Tensor::from_vector<std::int64_t>(labels, {dataset.size()});
  out.name = dataset.name.empty() ? "random_labels" : dataset.name + "/random_labels";
  return out;
}

}  // namespace nnlab::data
