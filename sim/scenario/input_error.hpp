#pragma once
// The one exception type for bad input (a scenario file or a command line). main() catches it,
// prints what() as one line and exits 2. Simulated failures are never exceptions.
#include <algorithm>
#include <stdexcept>
#include <string>

namespace drsim {

class InputError : public std::runtime_error {
public:
    /// `file`:`line`:`column`: `message` — line and column are 1-based; 0 means "whole file".
    InputError(std::string file, int line, int column, std::string message);
    /// For command-line errors, which have no file position.
    explicit InputError(std::string message);

    const std::string& file() const { return file_; }
    int line() const { return line_; }
    int column() const { return column_; }
    const std::string& message() const { return message_; }

private:
    std::string file_;
    int line_ = 0;
    int column_ = 0;
    std::string message_;
};

/// Levenshtein distance, case-insensitive.
std::size_t edit_distance(const std::string& a, const std::string& b);

/// " (did you mean 'x'?)" or "" — the suffix every unknown-name message ends with.
std::string did_you_mean(const std::string& suggestion);

/// The candidate closest to `name` by edit distance (case-insensitive), or "" when none is close
/// enough to be a plausible misspelling (distance > max(2, name.size() / 3)).
template <typename Range>
std::string closest_name(const std::string& name, const Range& candidates) {
    std::string best;
    std::size_t best_distance = static_cast<std::size_t>(-1);
    for (const auto& c : candidates) {
        std::string candidate{c};
        auto d = edit_distance(name, candidate);
        if (d < best_distance) {  // first minimum wins: deterministic
            best_distance = d;
            best = candidate;
        }
    }
    std::size_t limit = std::max<std::size_t>(2, name.size() / 3);
    return best_distance <= limit ? best : std::string{};
}

}  // namespace drsim
