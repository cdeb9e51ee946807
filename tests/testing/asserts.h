#pragma once
// Assertions for tensors: closeness with named tolerances, exact equality, and errors whose
// type and message are both checked.
#include <gtest/gtest.h>

#include <string>

#include "nnlab/tensor/tensor.h"

namespace nnlab {

// |actual - expected| <= atol + rtol * |expected|, elementwise.
struct Tol {
  double atol;
  double rtol;
  static Tol f32() { return {1e-5, 1e-5}; }
  static Tol f64() { return {1e-10, 1e-10}; }
  static Tol loose() { return {1e-4, 1e-4}; }  // float32 results of long sums
};

// Same shape, and every element within tol; reports the first element that is not.
::testing::AssertionResult tensors_close(const Tensor& actual, const Tensor& expected, Tol tol);
#define EXPECT_CLOSE(actual, expected, tol) EXPECT_TRUE(::nnlab::tensors_close((actual), (expected), (tol)))

inline void expect_close(const Tensor& actual, const Tensor& expected, Tol tol) {
  EXPECT_TRUE(tensors_close(actual, expected, tol));
}
inline void expect_equal(const Tensor& actual, const Tensor& expected) {
  EXPECT_TRUE(tensors_close(actual, expected, {0.0, 0.0}));
}

// fn() must throw ErrorType with `fragment` somewhere in its message.
template <typename ErrorType, typename Fn>
void expect_throw_with(Fn&& fn, const std::string& fragment) {
  try {
    fn();
    ADD_FAILURE() << "expected an exception containing \"" << fragment << "\", nothing was thrown";
  } catch (const ErrorType& e) {
    EXPECT_NE(std::string(e.what()).find(fragment), std::string::npos)
        << "message \"" << e.what() << "\" lacks \"" << fragment << "\"";
  } catch (const std::exception& e) {
    ADD_FAILURE() << "expected another exception type; got message \"" << e.what() << "\"";
  }
}

}  // namespace nnlab
