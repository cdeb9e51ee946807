#pragma once
// A function of x and y written as text, "(1-x)^2 + 100*(y-x^2)^2": parsed once into a tree,
// then evaluated with ops, so that autograd gives its gradient and a whole grid of points is one
// batched evaluation.
#include <string>
#include <string_view>
#include <vector>

#include "nnlab/tensor/tensor.h"

namespace nnlab::analysis {

// The functions an expression may call, by name: sin cos exp log sqrt abs tanh.
enum class ExpressionFunction { sin, cos, exp, log, sqrt, abs, tanh };

// One node of the tree. Operands are indices into Expression::nodes and always smaller than the
// node's own index (they are parsed first), so index order is an evaluation order.
struct ExpressionNode {
  enum class Kind { number, x, y, add, sub, mul, div, pow, neg, call };
  Kind kind = Kind::number;
  double value = 0.0;                                     // number
  ExpressionFunction function = ExpressionFunction::sin;  // call
  int left = -1;                                          // the operand of neg and call; a binary op's left
  int right = -1;                                         // a binary op's right operand
  int column = 0;                                         // where the node starts in the text, from 1
};

struct Expression {
  std::string text = {};
  std::vector<ExpressionNode> nodes = {};  // the root is the last node

  // Whether the value depends on x or y (false for "2^3 + 1", which is folded to one number).
  bool depends_on_xy() const;
};

// Parses `text`. Grammar, loosest binding first:
//   sum     = product { ("+" | "-") product }
//   product = unary { ("*" | "/") unary }
//   unary   = ("-" | "+") unary | power
//   power   = primary [ ("^" | "**") unary ]
//   primary = number | "x" | "y" | "pi" | "e" | function "(" sum ")" | "(" sum ")"
// so ^ is right-associative and binds tighter than a unary minus, as in mathematics and Python:
// 2^3^2 = 2^9 = 512, -x^2 = -(x^2), 2^-1 = 0.5. Numbers read as in C: 3, 2.5, .5, 1e-3, 2.5E+4.
// Operations on numbers alone are folded into one number node.
// Throws ConfigError "expression '<text>': column <n>: expected ..., got ..." for any error, the
// column counted from 1 in the text.
Expression parse_expression(std::string_view text);

// The expression's value at (x, y), with ops: x and y are float64 tensors whose shapes broadcast
// (two scalars, or two grids of one shape), and the result has the broadcast shape. A graph is
// recorded when x or y requires grad, so result.backward() gives df/dx and df/dy. x^2 is
// evaluated as square(x), exactly x·x; x^c for another number c as pow(x, c), so x^0.5 is NaN
// for x < 0, as in torch.
Tensor evaluate(const Expression& expression, const Tensor& x, const Tensor& y);

}  // namespace nnlab::analysis
