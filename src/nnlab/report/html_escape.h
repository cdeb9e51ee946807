#pragma once
// Text made safe for the two places report.html puts strings: HTML markup and <script> blocks.
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace nnlab::report {

// `text` as HTML character data or a quoted attribute value: & < > " ' become entities.
// Bytes that are not valid UTF-8 pass through (the browser shows them as U+FFFD).
std::string escape_html(std::string_view text);

// `text` as one segment of a relative URL's path: every byte but the unreserved A-Z a-z 0-9
// - . _ ~ becomes %XX (RFC 3986), so a folder named "lr=[0.1],seed=0" or "a/b?#" links as itself.
std::string escape_url_segment(std::string_view text);

// `value` as JSON text to place inside <script type="application/json">: '<', '>' and '&' are
// written as \u003c, \u003e, \u0026, so no string can close the block ("</script>") or open a
// comment ("<!--"); invalid UTF-8 in strings becomes U+FFFD rather than an exception.
std::string script_json(const nlohmann::ordered_json& value);

// A number for a table cell: up to `digits` significant digits ("0.4123", "1.2e-05"), "NaN",
// "inf" or "-inf".
std::string format_number(double value, int digits = 4);

// A JSON value as a table cell's text (not escaped): strings as they are, whole numbers without a
// decimal point, other numbers by format_number(value, 6), null as "not recorded", arrays and
// objects as compact JSON.
std::string display_text(const nlohmann::ordered_json& value);

}  // namespace nnlab::report
