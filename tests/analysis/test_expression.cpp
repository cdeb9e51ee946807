// Expressions in x and y: values and gradients against closed forms, precedence and
// associativity, constant folding, gradient checks, and an error naming the column for each
// way a text can be wrong.
#include <gtest/gtest.h>

#include <cmath>
#include <functional>
#include <numbers>
#include <string>
#include <vector>

#include "nnlab/analysis/expression.h"
#include "nnlab/core/error.h"
#include "nnlab/core/rng.h"
#include "nnlab/tensor/creation.h"
#include "testing/asserts.h"
#include "testing/gradcheck_asserts.h"

namespace nnlab {
namespace {

using analysis::evaluate;
using analysis::parse_expression;

struct Sample {
  double value = 0.0;
  double dx = 0.0;
  double dy = 0.0;
};

// f, df/dx and df/dy of `text` at one point, through ops and autograd.
Sample sample(const std::string& text, double x0, double y0) {
  const Tensor x = Tensor::scalar(x0, DType::f64).requires_grad_();
  const Tensor y = Tensor::scalar(y0, DType::f64).requires_grad_();
  const Tensor f = evaluate(parse_expression(text), x, y);
  Sample s{.value = f.item()};
  if (f.requires_grad()) f.backward();
  if (x.grad().defined()) s.dx = x.grad().item();
  if (y.grad().defined()) s.dy = y.grad().item();
  return s;
}

double value(const std::string& text, double x = 0.0, double y = 0.0) { return sample(text, x, y).value; }

struct ClosedForm {
  std::string text;
  std::function<double(double, double)> f, dx, dy;
};

// Each expression with its value and partial derivatives written out by hand.
const std::vector<ClosedForm> kClosedForms = {
    {"(1-x)^2 + 100*(y-x^2)^2", [](double x, double y) { return std::pow(1 - x, 2) + 100 * std::pow(y - x * x, 2); },
     [](double x, double y) { return -2 * (1 - x) - 400 * x * (y - x * x); },
     [](double x, double y) { return 200 * (y - x * x); }},
    {"(x^2 + y - 11)^2 + (x + y^2 - 7)^2",
     [](double x, double y) { return std::pow(x * x + y - 11, 2) + std::pow(x + y * y - 7, 2); },
     [](double x, double y) { return 4 * x * (x * x + y - 11) + 2 * (x + y * y - 7); },
     [](double x, double y) { return 2 * (x * x + y - 11) + 4 * y * (x + y * y - 7); }},
    {"sin(x)*cos(y) + exp(x/y)", [](double x, double y) { return std::sin(x) * std::cos(y) + std::exp(x / y); },
     [](double x, double y) { return std::cos(x) * std::cos(y) + std::exp(x / y) / y; },
     [](double x, double y) { return -std::sin(x) * std::sin(y) - x / (y * y) * std::exp(x / y); }},
    {"log(x^2 + 1) - sqrt(y^2 + 4) + tanh(x*y)",
     [](double x, double y) { return std::log(x * x + 1) - std::sqrt(y * y + 4) + std::tanh(x * y); },
     [](double x, double y) { return 2 * x / (x * x + 1) + y * (1 - std::pow(std::tanh(x * y), 2)); },
     [](double x, double y) { return -y / std::sqrt(y * y + 4) + x * (1 - std::pow(std::tanh(x * y), 2)); }},
    {"abs(x - 2*y) + 3^x + x^y",
     [](double x, double y) { return std::abs(x - 2 * y) + std::pow(3, x) + std::pow(x, y); },
     [](double x, double y) {
       return (x - 2 * y > 0 ? 1 : -1) + std::log(3) * std::pow(3, x) + y * std::pow(x, y - 1);
     },
     [](double x, double y) { return -2 * (x - 2 * y > 0 ? 1 : -1) + std::pow(x, y) * std::log(x); }},
    {"-x^3/6 + 1e-3*y - 2.5E+1/(x + y)", [](double x, double y) { return -x * x * x / 6 + 1e-3 * y - 25 / (x + y); },
     [](double x, double y) { return -x * x / 2 + 25 / ((x + y) * (x + y)); },
     [](double x, double y) { return 1e-3 + 25 / ((x + y) * (x + y)); }},
};

TEST(Expression, ValuesAndGradientsMatchClosedForms) {
  // Points with x > 0 and x + y, y, x - 2y away from 0, so that every form above is smooth there.
  const std::vector<std::pair<double, double>> points = {{0.5, 1.5}, {1.25, -0.75}, {2.0, 0.3}, {0.1, 2.2}};
  for (const ClosedForm& form : kClosedForms) {
    for (const auto& [x, y] : points) {
      const Sample s = sample(form.text, x, y);
      const std::string where = form.text + " at (" + std::to_string(x) + ", " + std::to_string(y) + ")";
      EXPECT_NEAR(s.value, form.f(x, y), 1e-12 * (1 + std::abs(form.f(x, y)))) << where;
      EXPECT_NEAR(s.dx, form.dx(x, y), 1e-10 * (1 + std::abs(form.dx(x, y)))) << where;
      EXPECT_NEAR(s.dy, form.dy(x, y), 1e-10 * (1 + std::abs(form.dy(x, y)))) << where;
    }
  }
}

TEST(Expression, GradientsMatchCentralDifferences) {
  Rng rng(12);
  // x in [0.5, 2] and y in [0.5, 2]: log, sqrt, x^y and the divisions are smooth there.
  const Tensor x = uniform({5}, 0.5, 2.0, rng, DType::f64).requires_grad_();
  const Tensor y = uniform({5}, 0.5, 2.0, rng, DType::f64).requires_grad_();
  for (const ClosedForm& form : kClosedForms) {
    if (form.text.find("abs") != std::string::npos) continue;  // x - 2y may cross its kink
    const analysis::Expression f = parse_expression(form.text);
    EXPECT_GRADCHECK([&f](const auto& in) { return evaluate(f, in[0], in[1]); }, {x, y}) << form.text;
  }
}

TEST(Expression, PrecedenceAndAssociativity) {
  EXPECT_EQ(value("2^3^2"), 512);  // right-associative: 2^(3^2)
  EXPECT_EQ(value("(2^3)^2"), 64);
  EXPECT_EQ(value("-x^2", 3), -9);  // -(x^2)
  EXPECT_EQ(value("(-x)^2", 3), 9);
  EXPECT_EQ(value("-2^2"), -4);
  EXPECT_EQ(value("2^-1"), 0.5);      // a signed exponent
  EXPECT_EQ(value("2**3"), 8);        // Python's power
  EXPECT_EQ(value("2 - 3 - 4"), -5);  // left-associative: (2 - 3) - 4
  EXPECT_EQ(value("8 / 4 / 2"), 1);
  EXPECT_EQ(value("2 + 3 * 4"), 14);
  EXPECT_EQ(value("2 * 3 + 4"), 10);
  EXPECT_EQ(value("x - -y", 1, 2), 3);
  EXPECT_EQ(value("+x", 5), 5);
  EXPECT_EQ(value("-x*y", 2, 3), -6);
  EXPECT_EQ(value("x*y^2", 2, 3), 18);  // ^ before *
  EXPECT_EQ(value(".5 + 1.5e1 + 2E-1"), 15.7);
  EXPECT_DOUBLE_EQ(value("pi + e"), std::numbers::pi + std::numbers::e);
  EXPECT_DOUBLE_EQ(value("sin(pi/2) + cos(0)"), 2.0);
}

TEST(Expression, NumbersAreFoldedAndTheTreeIsInEvaluationOrder) {
  const analysis::Expression constant = parse_expression("2^3 + 1");
  ASSERT_EQ(constant.nodes.size(), 1u);
  EXPECT_EQ(constant.nodes[0].value, 9);
  EXPECT_FALSE(constant.depends_on_xy());
  const analysis::Expression f = parse_expression("x + 2*3");
  ASSERT_EQ(f.nodes.size(), 3u);  // x, 6, +
  EXPECT_EQ(f.nodes[1].kind, analysis::ExpressionNode::Kind::number);
  EXPECT_EQ(f.nodes[1].value, 6);
  EXPECT_TRUE(f.depends_on_xy());
  for (std::size_t i = 0; i < f.nodes.size(); ++i) {
    EXPECT_LT(f.nodes[i].left, static_cast<int>(i));
    EXPECT_LT(f.nodes[i].right, static_cast<int>(i));
  }
}

TEST(Expression, EvaluatesAGridInOneCall) {
  const Tensor x = Tensor::from({{0, 1, 2}, {0, 1, 2}}, DType::f64);
  const Tensor y = Tensor::from({{0, 0, 0}, {1, 1, 1}}, DType::f64);
  expect_equal(evaluate(parse_expression("x^2 + 10*y"), x, y), Tensor::from({{0, 1, 4}, {10, 11, 14}}, DType::f64));
  // Numbers alone fill the broadcast shape.
  expect_equal(evaluate(parse_expression("2*3"), x, y), Tensor::full({2, 3}, 6, DType::f64));
}

TEST(Expression, NonFiniteValuesPassThrough) {
  EXPECT_TRUE(std::isnan(value("sqrt(x)", -1)));
  EXPECT_EQ(value("log(x)", 0), -INFINITY);
  EXPECT_EQ(value("1/x", 0), INFINITY);
}

TEST(Expression, EveryErrorNamesTheColumn) {
  struct Case {
    std::string text, message;
  };
  const std::vector<Case> cases = {
      {"", "expression '': column 1: expected a number, x, y, a function or '(', got the end"},
      {"(1-x", "expression '(1-x': column 5: expected ')' to close the '(' at column 1, got the end"},
      {"x +", "column 4: expected a number, x, y, a function or '(', got the end"},
      {"x + * y", "column 5: expected a number, x, y, a function or '(', got '*'"},
      {"x $ 2", "column 3: unexpected character '$'"},
      {"2x", "column 2: expected an operator (+ - * / ^) or the end, got 'x' (write 2*x, not 2x"},
      {"x y", "column 3: expected an operator (+ - * / ^) or the end, got 'y'"},
      {"x)", "column 2: expected an operator (+ - * / ^) or the end, got ')'"},
      {"foo(x)", "column 1: unknown name 'foo' (known: x, y, pi, e, sin, cos, exp, log, sqrt, abs, tanh)"},
      {"2 * sin x", "column 9: expected '(' after 'sin', got 'x'"},
      {"exp(x", "column 6: expected ')' to close the '(' at column 4, got the end"},
      {"1 + 1e999", "column 5: the number 1e999 is out of the range of float64"},
      {"x^", "column 3: expected a number, x, y, a function or '(', got the end"},
      {std::string(250, '(') + "x" + std::string(250, ')'), "column 201: expected at most 200 nested parentheses"},
      {std::string(250, '-') + "x", "column 201: expected at most 200 nested signs or parentheses"},
  };
  for (const Case& c : cases) {
    expect_throw_with<ConfigError>([&] { parse_expression(c.text); }, c.message);
  }
}

}  // namespace
}  // namespace nnlab
