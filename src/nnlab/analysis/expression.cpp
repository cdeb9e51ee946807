// Expressions in x and y: a tokenizer and a recursive-descent parser that folds constants, and
// the evaluation of the tree with ops.
#include "nnlab/analysis/expression.h"

#include <array>
#include <charconv>
#include <cmath>
#include <numbers>
#include <optional>
#include <utility>

#include <fmt/format.h>

#include "nnlab/core/check.h"
#include "nnlab/ops/activation.h"
#include "nnlab/ops/arithmetic.h"
#include "nnlab/ops/math.h"
#include "nnlab/tensor/view.h"

namespace nnlab::analysis {
namespace {

using Kind = ExpressionNode::Kind;

constexpr std::array<std::pair<std::string_view, ExpressionFunction>, 7> kFunctions = {{
    {"sin", ExpressionFunction::sin},
    {"cos", ExpressionFunction::cos},
    {"exp", ExpressionFunction::exp},
    {"log", ExpressionFunction::log},
    {"sqrt", ExpressionFunction::sqrt},
    {"abs", ExpressionFunction::abs},
    {"tanh", ExpressionFunction::tanh},
}};
constexpr std::string_view kKnownNames = "x, y, pi, e, sin, cos, exp, log, sqrt, abs, tanh";
// Deeper nesting than this is surely a mistake, and the parser's recursion stays far from the
// stack's limit.
constexpr int kMaxDepth = 200;

std::optional<ExpressionFunction> function_named(std::string_view name) {
  for (const auto& [known, function] : kFunctions) {
    if (known == name) return function;
  }
  return std::nullopt;
}

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_name_start(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }
bool is_name_char(char c) { return is_name_start(c) || is_digit(c); }

struct Token {
  enum class Type { number, name, symbol, end };
  Type type = Type::end;
  std::string_view text = {};  // "**" for the Python power
  double value = 0.0;          // number
  int column = 0;              // from 1
};

double apply(ExpressionFunction function, double v) {
  switch (function) {
    case ExpressionFunction::sin: return std::sin(v);
    case ExpressionFunction::cos: return std::cos(v);
    case ExpressionFunction::exp: return std::exp(v);
    case ExpressionFunction::log: return std::log(v);
    case ExpressionFunction::sqrt: return std::sqrt(v);
    case ExpressionFunction::abs: return std::abs(v);
    case ExpressionFunction::tanh: return std::tanh(v);
  }
  NNLAB_UNREACHABLE("expression: function");
}

// a^b as evaluate() computes it for tensors: square for b = 2, else pow.
double power(double a, double b) { return b == 2.0 ? a * a : std::pow(a, b); }

double fold(Kind kind, double a, double b) {
  switch (kind) {
    case Kind::add: return a + b;
    case Kind::sub: return a - b;
    case Kind::mul: return a * b;
    case Kind::div: return a / b;
    case Kind::pow: return power(a, b);
    default: NNLAB_UNREACHABLE("expression: fold");
  }
}

class Parser {
 public:
  explicit Parser(std::string_view text) : text_(text) { advance(); }

  Expression parse() {
    sum();
    if (token_.type != Token::Type::end) {
      const bool juxtaposed = previous_was_operand_ && (token_.type != Token::Type::symbol || token_.text == "(");
      fail(token_.column, fmt::format("expected an operator (+ - * / ^) or the end, got {}{}", describe(token_),
                                      juxtaposed ? " (write 2*x, not 2x: a product needs its '*')" : ""));
    }
    return Expression{.text = std::string(text_), .nodes = std::move(nodes_)};
  }

 private:
  [[noreturn]] void fail(int column, const std::string& what) const {
    throw ConfigError(fmt::format("expression '{}': column {}: {}", text_, column, what));
  }

  static std::string describe(const Token& token) {
    return token.type == Token::Type::end ? std::string("the end") : fmt::format("'{}'", token.text);
  }

  void advance() {
    previous_was_operand_ = token_.type == Token::Type::number || token_.type == Token::Type::name ||
                            (token_.type == Token::Type::symbol && token_.text == ")");
    while (pos_ < text_.size() && (text_[pos_] == ' ' || text_[pos_] == '\t')) ++pos_;
    token_ = Token{.column = static_cast<int>(pos_) + 1};
    if (pos_ == text_.size()) return;
    const char c = text_[pos_];
    if (is_digit(c) || (c == '.' && pos_ + 1 < text_.size() && is_digit(text_[pos_ + 1]))) return read_number();
    if (is_name_start(c)) {
      const std::size_t start = pos_;
      while (pos_ < text_.size() && is_name_char(text_[pos_])) ++pos_;
      token_.type = Token::Type::name;
      token_.text = text_.substr(start, pos_ - start);
      return;
    }
    if (std::string_view("+-*/^()").find(c) == std::string_view::npos) {
      fail(token_.column, fmt::format("unexpected character '{}' (an expression uses numbers, x, y, + - * / ^, "
                                      "parentheses and the functions {})",
                                      c, kKnownNames.substr(kKnownNames.find("sin"))));
    }
    const std::size_t length = c == '*' && pos_ + 1 < text_.size() && text_[pos_ + 1] == '*' ? 2 : 1;
    token_.type = Token::Type::symbol;
    token_.text = text_.substr(pos_, length);
    pos_ += length;
  }

  // digits [. digits] [(e|E) [+|-] digits], or . digits; an 'e' not followed by digits is not part
  // of the number (then "2e" reads as 2 followed by the name e, and fails as a missing '*').
  void read_number() {
    const std::size_t start = pos_;
    auto digits = [&] {
      while (pos_ < text_.size() && is_digit(text_[pos_])) ++pos_;
    };
    digits();
    if (pos_ < text_.size() && text_[pos_] == '.') {
      ++pos_;
      digits();
    }
    if (pos_ < text_.size() && (text_[pos_] == 'e' || text_[pos_] == 'E')) {
      std::size_t at = pos_ + 1;
      if (at < text_.size() && (text_[at] == '+' || text_[at] == '-')) ++at;
      if (at < text_.size() && is_digit(text_[at])) {
        pos_ = at;
        digits();
      }
    }
    token_.type = Token::Type::number;
    token_.text = text_.substr(start, pos_ - start);
    const auto [end, error] =
        std::from_chars(token_.text.data(), token_.text.data() + token_.text.size(), token_.value);
    if (error == std::errc::result_out_of_range) {
      fail(token_.column, fmt::format("the number {} is out of the range of float64", token_.text));
    }
    NNLAB_CHECK(error == std::errc() && end == token_.text.data() + token_.text.size(), InternalError,
                "expression: cannot read the number '{}'", token_.text);
  }

  bool at_symbol(std::string_view symbol) const { return token_.type == Token::Type::symbol && token_.text == symbol; }

  // Adds a node, folding it into a number when its operands are numbers. A number operand is
  // always one node, the last one(s) added, so folding pops the operands and pushes the result.
  int add(ExpressionNode node) {
    const auto is_number = [&](int i) { return i >= 0 && nodes_[i].kind == Kind::number; };
    if ((node.kind == Kind::neg || node.kind == Kind::call) && is_number(node.left)) {
      const double v = nodes_[node.left].value;
      nodes_.pop_back();
      node = {
          .kind = Kind::number, .value = node.kind == Kind::neg ? -v : apply(node.function, v), .column = node.column};
    } else if (node.right >= 0 && is_number(node.left) && is_number(node.right)) {
      const double v = fold(node.kind, nodes_[node.left].value, nodes_[node.right].value);
      nodes_.resize(nodes_.size() - 2);
      node = {.kind = Kind::number, .value = v, .column = node.column};
    }
    nodes_.push_back(node);
    return static_cast<int>(nodes_.size()) - 1;
  }

  int binary(Kind kind, int left, int right) {
    return add({.kind = kind, .left = left, .right = right, .column = nodes_[left].column});
  }

  int sum() {
    int left = product();
    while (at_symbol("+") || at_symbol("-")) {
      const Kind kind = token_.text == "+" ? Kind::add : Kind::sub;
      advance();
      left = binary(kind, left, product());
    }
    return left;
  }

  int product() {
    int left = unary();
    while (at_symbol("*") || at_symbol("/")) {
      const Kind kind = token_.text == "*" ? Kind::mul : Kind::div;
      advance();
      left = binary(kind, left, unary());
    }
    return left;
  }

  int unary() {
    if (!at_symbol("-") && !at_symbol("+")) return power();
    const Token sign = token_;
    if (++depth_ > kMaxDepth)
      fail(sign.column, fmt::format("expected at most {} nested signs or parentheses", kMaxDepth));
    advance();
    const int operand = unary();
    --depth_;
    if (sign.text == "+") return operand;
    return add({.kind = Kind::neg, .left = operand, .column = sign.column});
  }

  int power() {
    const int base = primary();
    if (!at_symbol("^") && !at_symbol("**")) return base;
    advance();
    return binary(Kind::pow, base, unary());  // unary, so that 2^-1 and 2^3^2 = 2^(3^2) read as written
  }

  int primary() {
    const Token token = token_;
    if (token.type == Token::Type::number) {
      advance();
      return add({.kind = Kind::number, .value = token.value, .column = token.column});
    }
    if (at_symbol("(")) {
      advance();
      const int inner = nested(token.column);
      expect_closing(token.column);
      return inner;
    }
    if (token.type != Token::Type::name) {
      fail(token.column, fmt::format("expected a number, x, y, a function or '(', got {}", describe(token)));
    }
    advance();
    if (token.text == "x") return add({.kind = Kind::x, .column = token.column});
    if (token.text == "y") return add({.kind = Kind::y, .column = token.column});
    if (token.text == "pi") return add({.kind = Kind::number, .value = std::numbers::pi, .column = token.column});
    if (token.text == "e") return add({.kind = Kind::number, .value = std::numbers::e, .column = token.column});
    const std::optional<ExpressionFunction> function = function_named(token.text);
    if (!function) fail(token.column, fmt::format("unknown name '{}' (known: {})", token.text, kKnownNames));
    if (!at_symbol("("))
      fail(token_.column, fmt::format("expected '(' after '{}', got {}", token.text, describe(token_)));
    const int open = token_.column;
    advance();
    const int argument = nested(open);
    expect_closing(open);
    return add({.kind = Kind::call, .function = *function, .left = argument, .column = token.column});
  }

  // The sum inside the '(' at `open_column`.
  int nested(int open_column) {
    if (++depth_ > kMaxDepth) fail(open_column, fmt::format("expected at most {} nested parentheses", kMaxDepth));
    const int inner = sum();
    --depth_;
    return inner;
  }

  void expect_closing(int open_column) {
    if (!at_symbol(")")) {
      fail(token_.column,
           fmt::format("expected ')' to close the '(' at column {}, got {}", open_column, describe(token_)));
    }
    advance();
  }

  std::string_view text_;
  std::size_t pos_ = 0;
  Token token_;
  bool previous_was_operand_ = false;
  int depth_ = 0;
  std::vector<ExpressionNode> nodes_;
};

// A node's value: a number (a folded constant) or a tensor.
struct Value {
  Tensor tensor;
  double number = 0.0;
};

Tensor call(ExpressionFunction function, const Tensor& v) {
  switch (function) {
    case ExpressionFunction::sin: return ops::sin(v);
    case ExpressionFunction::cos: return ops::cos(v);
    case ExpressionFunction::exp: return ops::exp(v);
    case ExpressionFunction::log: return ops::log(v);
    case ExpressionFunction::sqrt: return ops::sqrt(v);
    case ExpressionFunction::abs: return ops::abs(v);
    case ExpressionFunction::tanh: return ops::tanh(v);
  }
  NNLAB_UNREACHABLE("expression: function");
}

// a op b where at least one is a tensor; a number stays a scalar argument of the op.
Tensor combine(Kind kind, const Value& a, const Value& b) {
  const bool a_number = !a.tensor.defined();
  const bool b_number = !b.tensor.defined();
  switch (kind) {
    case Kind::add: return a_number ? a.number + b.tensor : b_number ? a.tensor + b.number : a.tensor + b.tensor;
    case Kind::sub: return a_number ? a.number - b.tensor : b_number ? a.tensor - b.number : a.tensor - b.tensor;
    case Kind::mul: return a_number ? a.number * b.tensor : b_number ? a.tensor * b.number : a.tensor * b.tensor;
    case Kind::div: return a_number ? a.number / b.tensor : b_number ? a.tensor / b.number : a.tensor / b.tensor;
    case Kind::pow:
      if (b_number) return b.number == 2.0 ? ops::square(a.tensor) : ops::pow(a.tensor, b.number);
      return ops::pow(a_number ? Tensor::scalar(a.number, b.tensor.dtype()) : a.tensor, b.tensor);
    default: NNLAB_UNREACHABLE("expression: combine");
  }
}

}  // namespace

bool Expression::depends_on_xy() const {
  for (const ExpressionNode& node : nodes) {
    if (node.kind == Kind::x || node.kind == Kind::y) return true;
  }
  return false;
}

Expression parse_expression(std::string_view text) { return Parser(text).parse(); }

Tensor evaluate(const Expression& expression, const Tensor& x, const Tensor& y) {
  NNLAB_CHECK(!expression.nodes.empty(), ValueError, "evaluate: expected a parsed expression, got an empty one");
  NNLAB_CHECK(x.dtype() == DType::f64 && y.dtype() == DType::f64, DTypeError,
              "evaluate '{}': expected float64 x and y, got {} and {}", expression.text, x.dtype(), y.dtype());
  std::vector<Value> values(expression.nodes.size());
  for (std::size_t i = 0; i < expression.nodes.size(); ++i) {
    const ExpressionNode& node = expression.nodes[i];
    Value& value = values[i];
    switch (node.kind) {
      case Kind::number: value.number = node.value; break;
      case Kind::x: value.tensor = x; break;
      case Kind::y: value.tensor = y; break;
      case Kind::neg: value.tensor = -values[node.left].tensor; break;
      case Kind::call: value.tensor = call(node.function, values[node.left].tensor); break;
      default: value.tensor = combine(node.kind, values[node.left], values[node.right]); break;
    }
  }
  const Value& root = values.back();
  if (root.tensor.defined()) return root.tensor;
  return Tensor::full(view::broadcast_shapes(x.shape(), y.shape(), "evaluate"), root.number, DType::f64);
}

}  // namespace nnlab::analysis
