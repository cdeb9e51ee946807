#pragma once
// Input checks shared by the chart functions. Each throws ValueError with a message of the form
// "<chart>: <what was expected>, got <what was found>". Internal to report/.
#include <cstddef>
#include <span>
#include <string_view>

namespace nnlab::report::detail {

void check_not_empty(std::string_view where, std::string_view what, std::size_t size);
void check_same_size(std::string_view where, std::string_view what_a, std::size_t size_a, std::string_view what_b,
                     std::size_t size_b);
// Every value finite (no NaN, no inf).
void check_finite(std::string_view where, std::string_view what, std::span<const double> values);
// Every value finite or NaN (a gap); at least one finite.
void check_finite_or_gap(std::string_view where, std::string_view what, std::span<const double> values);
// Every non-NaN value > 0, for a log axis.
void check_positive_for_log(std::string_view where, std::string_view what, std::span<const double> values);

}  // namespace nnlab::report::detail
