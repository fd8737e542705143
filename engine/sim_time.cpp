#include "engine/sim_time.hpp"

namespace drsim::engine {

std::string format_duration(SimTime duration) {
  if (duration == 0) {
    return "0s";
  }
  std::string text;
  // Work on the magnitude as unsigned so that the most negative SimTime has a magnitude too.
  std::uint64_t rest = static_cast<std::uint64_t>(duration);
  if (duration < 0) {
    text.push_back('-');
    rest = ~rest + 1;
  }
  struct Unit {
    std::uint64_t length;
    const char* suffix;
  };
  static constexpr Unit kUnits[] = {
      {static_cast<std::uint64_t>(kDay), "d"},    {static_cast<std::uint64_t>(kHour), "h"},
      {static_cast<std::uint64_t>(kMinute), "m"}, {static_cast<std::uint64_t>(kSecond), "s"},
      {static_cast<std::uint64_t>(kMillisecond), "ms"},
  };
  for (const Unit& unit : kUnits) {
    const std::uint64_t count = rest / unit.length;
    rest %= unit.length;
    if (count != 0) {
      text += std::to_string(count);
      text += unit.suffix;
    }
  }
  return text;
}

}  // namespace drsim::engine
