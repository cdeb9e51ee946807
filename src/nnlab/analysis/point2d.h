#pragma once
// A point of the plane: where a function of x and y is evaluated, started from or minimal.
namespace nnlab::analysis {

struct Point2D {
  double x = 0.0;
  double y = 0.0;
  friend bool operator==(const Point2D&, const Point2D&) = default;
};

}  // namespace nnlab::analysis
