#pragma once

#include <cstdint>
#include <string>

namespace drsim::engine {

// Simulated time: an integer count of milliseconds since the start of the run.
// Integer, never floating point, so that adding delays is exact and two runs of the same scenario
// order their events identically on every machine.
using SimTime = std::int64_t;

inline constexpr SimTime kMillisecond = 1;
inline constexpr SimTime kSecond = 1000 * kMillisecond;
inline constexpr SimTime kMinute = 60 * kSecond;
inline constexpr SimTime kHour = 60 * kMinute;
inline constexpr SimTime kDay = 24 * kHour;

// Returns `duration` in compact form: every non-zero unit from days down to milliseconds, largest first,
// e.g. "0s", "250ms", "1m30s", "1h30m", "2d3h", "1s500ms", "-5s". Exact (nothing is rounded away).
std::string format_duration(SimTime duration);

}  // namespace drsim::engine
