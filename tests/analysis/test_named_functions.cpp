// The catalogue of named functions: each parses, has its known value and a zero gradient at each
// of its minima, and shows its minima and start in its window.
#include <gtest/gtest.h>

#include <string>

#include "nnlab/analysis/expression.h"
#include "nnlab/analysis/named_functions.h"

namespace nnlab {
namespace {

TEST(NamedFunctions, EachIsStationaryWithItsKnownValueAtItsMinima) {
  for (const analysis::NamedFunction& named : analysis::named_functions()) {
    const analysis::Expression f = analysis::parse_expression(named.expression);
    // Goldstein-Price's minimum is 3; every other one's is 0.
    const double minimum = named.name == "goldstein-price" ? 3.0 : 0.0;
    ASSERT_FALSE(named.minima.empty()) << named.name;
    for (const analysis::Point2D& m : named.minima) {
      const Tensor x = Tensor::scalar(m.x, DType::f64).requires_grad_();
      const Tensor y = Tensor::scalar(m.y, DType::f64).requires_grad_();
      const Tensor value = analysis::evaluate(f, x, y);
      value.backward();
      const std::string where =
          std::string(named.name) + " at (" + std::to_string(m.x) + ", " + std::to_string(m.y) + ")";
      EXPECT_NEAR(value.item(), minimum, 1e-12) << where;
      EXPECT_NEAR(x.grad().item(), 0.0, 1e-9) << where;
      EXPECT_NEAR(y.grad().item(), 0.0, 1e-9) << where;
      const auto& w = named.window;
      EXPECT_TRUE(m.x > w[0] && m.x < w[1] && m.y > w[2] && m.y < w[3]) << where;
    }
    EXPECT_NE(analysis::find_named_function(named.name), nullptr);
  }
  EXPECT_EQ(analysis::find_named_function("rosenbrock")->start, (analysis::Point2D{-4, -2}));  // E12's
  EXPECT_EQ(analysis::find_named_function("Rosenbrock"), nullptr);
}

}  // namespace
}  // namespace nnlab
