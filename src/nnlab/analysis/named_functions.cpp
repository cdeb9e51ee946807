// The catalogue of named test functions.
#include "nnlab/analysis/named_functions.h"

namespace nnlab::analysis {

std::span<const NamedFunction> named_functions() {
  // Rosenbrock starts where E12 does; the other starts sit in a corner of the window, away
  // from the minima.
  static const std::vector<NamedFunction> catalogue = {
      {.name = "rosenbrock",
       .expression = "(1-x)^2 + 100*(y-x^2)^2",
       .minima = {{1, 1}},
       .window = {-2, 2, -1, 3},
       .start = {-4, -2}},
      {.name = "beale",
       .expression = "(1.5 - x + x*y)^2 + (2.25 - x + x*y^2)^2 + (2.625 - x + x*y^3)^2",
       .minima = {{3, 0.5}},
       .window = {-4.5, 4.5, -4.5, 4.5},
       .start = {1, 1.5}},
      {.name = "himmelblau",
       .expression = "(x^2 + y - 11)^2 + (x + y^2 - 7)^2",
       // Four minima, all with f = 0; the three irrational ones to 15 digits.
       .minima = {{3, 2},
                  {-2.805118086952745, 3.131312518250573},
                  {-3.779310253377747, -3.283185991286170},
                  {3.584428340330492, -1.848126526964404}},
       .window = {-5, 5, -5, 5},
       .start = {0, 0}},
      {.name = "booth",
       .expression = "(x + 2*y - 7)^2 + (2*x + y - 5)^2",
       .minima = {{1, 3}},
       .window = {-10, 10, -10, 10},
       .start = {-8, -8}},
      {.name = "matyas",
       .expression = "0.26*(x^2 + y^2) - 0.48*x*y",
       .minima = {{0, 0}},
       .window = {-10, 10, -10, 10},
       .start = {8, -6}},
      {.name = "three-hump-camel",
       .expression = "2*x^2 - 1.05*x^4 + x^6/6 + x*y + y^2",
       .minima = {{0, 0}},
       .window = {-5, 5, -5, 5},
       .start = {-2, 2}},
      {.name = "rastrigin",
       .expression = "20 + x^2 - 10*cos(2*pi*x) + y^2 - 10*cos(2*pi*y)",
       .minima = {{0, 0}},
       .window = {-5.12, 5.12, -5.12, 5.12},
       .start = {3.2, 2.4}},
      {.name = "goldstein-price",
       .expression = "(1 + (x + y + 1)^2*(19 - 14*x + 3*x^2 - 14*y + 6*x*y + 3*y^2))"
                     " * (30 + (2*x - 3*y)^2*(18 - 32*x + 12*x^2 + 48*y - 36*x*y + 27*y^2))",
       .minima = {{0, -1}},
       .window = {-2, 2, -2, 2},
       .start = {-1.5, 1.5}},
      {.name = "sphere", .expression = "x^2 + y^2", .minima = {{0, 0}}, .window = {-5, 5, -5, 5}, .start = {4, 3}},
  };
  return catalogue;
}

const NamedFunction* find_named_function(std::string_view name) {
  for (const NamedFunction& function : named_functions()) {
    if (function.name == name) return &function;
  }
  return nullptr;
}

}  // namespace nnlab::analysis
