#pragma once
// The nnlab error hierarchy. Messages read "<where>: <what was expected>, got <what was found>".
#include <stdexcept>
#include <string>

namespace nnlab {

struct Error : std::runtime_error {
  using std::runtime_error::runtime_error;
};
struct ShapeError : Error {  // sizes or ranks that do not fit together
  using Error::Error;
};
struct DTypeError : Error {  // an element type an op does not accept
  using Error::Error;
};
struct ValueError : Error {  // an argument out of its allowed range
  using Error::Error;
};
struct ConfigError : Error {
  using Error::Error;
};
struct DataError : Error {
  using Error::Error;
};
struct IoError : Error {
  using Error::Error;
};
struct NotReplayableError : Error {  // a computation autograd::GradientReplay cannot capture
  using Error::Error;
};
struct InternalError : Error {  // a bug in nnlab, never the user's input
  using Error::Error;
};

}  // namespace nnlab
