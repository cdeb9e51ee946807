#pragma once
// NNLAB_CHECK: always-on validation that throws a typed error with a formatted message.
// NNLAB_DCHECK: internal invariants, checked in debug builds only (kernels use only this).
#include <fmt/format.h>

#include "nnlab/core/error.h"

namespace nnlab::detail {

template <typename ErrorType>
[[noreturn]] void throw_error(std::string message) {
  throw ErrorType(std::move(message));
}

}  // namespace nnlab::detail

// The message is formatted only when the check fails.
#define NNLAB_CHECK(cond, ErrorType, ...)                                  \
  do {                                                                     \
    if (!(cond)) [[unlikely]] {                                            \
      ::nnlab::detail::throw_error<::nnlab::ErrorType>(fmt::format(__VA_ARGS__)); \
    }                                                                      \
  } while (false)

#define NNLAB_UNREACHABLE(what) \
  ::nnlab::detail::throw_error<::nnlab::InternalError>(std::string("unreachable: ") + (what))

#ifdef NDEBUG
#define NNLAB_DCHECK(cond) \
  do {                     \
  } while (false)
#else
#define NNLAB_DCHECK(cond)                                                                   \
  do {                                                                                       \
    if (!(cond)) [[unlikely]] {                                                              \
      ::nnlab::detail::throw_error<::nnlab::InternalError>(                                  \
          fmt::format("internal check failed: {} ({}:{})", #cond, __FILE__, __LINE__));      \
    }                                                                                        \
  } while (false)
#endif
