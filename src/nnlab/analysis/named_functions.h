#pragma once
// Classic test functions of optimisation in two variables, each an expression in x and y (parsed
// like any user expression) with its known global minima, a window that shows them and a start.
#include <array>
#include <span>
#include <string_view>
#include <vector>

#include "nnlab/analysis/point2d.h"

namespace nnlab::analysis {

struct NamedFunction {
  std::string_view name = {};         // "rosenbrock"
  std::string_view expression = {};   // "(1-x)^2 + 100*(y-x^2)^2"
  std::vector<Point2D> minima = {};   // every global minimum
  std::array<double, 4> window = {};  // x_min, x_max, y_min, y_max: a view around the minima
  Point2D start = {};                 // where a run starts unless told otherwise
};

// rosenbrock, beale, himmelblau, booth, matyas, three-hump-camel, rastrigin, goldstein-price,
// sphere (minima from https://en.wikipedia.org/wiki/Test_functions_for_optimization).
std::span<const NamedFunction> named_functions();

// The function called `name`, or nullptr.
const NamedFunction* find_named_function(std::string_view name);

}  // namespace nnlab::analysis
