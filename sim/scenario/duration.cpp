#include "sim/scenario/duration.hpp"

#include "sim/scenario/scenario_loader.hpp"

namespace drsim {

DurationParse parse_duration_text(std::string_view text) {
    using Status = DurationParse::Status;
    if (text == "0") return {Status::ok, 0};
    // Units from largest to smallest; a part's unit index must be above the previous part's.
    static constexpr Millis unit_ms[] = {24LL * 60 * 60 * 1000, 60LL * 60 * 1000, 60LL * 1000, 1000, 1};
    int previous_unit = -1;
    Millis total = 0;
    bool absurd = false;
    std::size_t i = 0;
    if (text.empty()) return {Status::malformed, 0};
    while (i < text.size()) {
        std::size_t digits_start = i;
        Millis number = 0;
        while (i < text.size() && text[i] >= '0' && text[i] <= '9') {
            // Saturate rather than overflow: anything this large is absurd anyway.
            if (number > max_duration_ms) absurd = true;
            else number = number * 10 + (text[i] - '0');
            ++i;
        }
        if (i == digits_start || i == text.size()) return {Status::malformed, 0};
        int unit = -1;
        if (text[i] == 'd') unit = 0, ++i;
        else if (text[i] == 'h') unit = 1, ++i;
        else if (text[i] == 'm' && i + 1 < text.size() && text[i + 1] == 's') unit = 4, i += 2;
        else if (text[i] == 'm') unit = 2, ++i;
        else if (text[i] == 's') unit = 3, ++i;
        else return {Status::malformed, 0};
        if (unit <= previous_unit) return {Status::malformed, 0};
        previous_unit = unit;
        if (number > max_duration_ms / unit_ms[unit]) absurd = true;
        if (!absurd) {
            total += number * unit_ms[unit];  // both terms <= max_duration_ms: no overflow
            if (total > max_duration_ms) absurd = true;
        }
    }
    if (absurd) return {Status::absurd, 0};
    return {Status::ok, total};
}

std::optional<Millis> parse_duration(std::string_view text) {
    auto parsed = parse_duration_text(text);
    if (parsed.status != DurationParse::Status::ok) return std::nullopt;
    return parsed.ms;
}

}  // namespace drsim
