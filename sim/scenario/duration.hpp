#pragma once
// The duration syntax of scenario files: "0" or <integer><unit> parts, units d h m s ms in strictly
// descending order, each at most once ("1h30m", "250ms"). No sign, spaces or decimal point, so that
// one text has one meaning and simulated time stays an integer count of milliseconds.
#include <string_view>

#include "sim/scenario/scenario.hpp"

namespace drsim {

/// Longest duration a scenario may state: 100 years of 365.25 days. Longer ones are typos.
inline constexpr Millis max_duration_ms = 36525LL * 24 * 60 * 60 * 1000;

struct DurationParse {
    enum class Status { ok, malformed, absurd };
    Status status = Status::malformed;
    Millis ms = 0;
};

/// Parses a duration and says why it failed (malformed text, or more than max_duration_ms).
DurationParse parse_duration_text(std::string_view text);

}  // namespace drsim
