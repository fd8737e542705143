#pragma once
// The one exception type for bad input (a scenario file or a command line). main() catches it,
// prints what() as one line and exits 2. Simulated failures are never exceptions.
#include <algorithm>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

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

    /// Further errors found in the same file after this one (the loader reports up to
    /// max_errors_per_file in all, like a compiler), in the order they were found.
    const std::vector<InputError>& following() const { return following_; }
    /// True when more errors were left unreported after the last of following().
    bool truncated() const { return truncated_; }
    /// An error about the file as a whole (a limit it crosses), located where it is crossed: taking
    /// that item out would only move it, so no further errors are looked for after it.
    bool about_whole_file() const { return whole_file_; }
    InputError& mark_about_whole_file() {
        whole_file_ = true;
        return *this;
    }
    void set_following(std::vector<InputError> following, bool truncated) {
        following_ = std::move(following);
        truncated_ = truncated;
    }

private:
    std::string file_;
    int line_ = 0;
    int column_ = 0;
    std::string message_;
    std::vector<InputError> following_;
    bool truncated_ = false;
    bool whole_file_ = false;
};

/// Most errors reported for one file: the first and up to 19 more.
inline constexpr std::size_t max_errors_per_file = 20;

/// Edit distance between names: insertions, deletions, substitutions and swaps of two neighbours
/// (optimal string alignment), counted in characters (UTF-8 code points), ASCII case ignored.
std::size_t edit_distance(const std::string& a, const std::string& b);
/// The same when it is at most `bound`, else any value above `bound`: only the band of cells within
/// `bound` of the diagonal is computed, and it stops as soon as every cell of a row exceeds it.
/// O(min(|a|, |b|) x bound).
std::size_t edit_distance_within(std::string_view a, std::string_view b, std::size_t bound);
/// The number of characters (UTF-8 code points) of `s`.
std::size_t utf8_length(std::string_view s);

/// " (did you mean 'x'?)" or "" — the suffix every unknown-name message ends with.
std::string did_you_mean(const std::string& suggestion);

/// The candidate closest to `name` by edit distance (case-insensitive), or "" when none is close
/// enough to be a plausible misspelling (distance > max(2, name.size() / 3)). Bounded: a candidate
/// whose length alone puts it past the best so far is not compared, and a comparison stops at that
/// bound, so a long unknown name among a million names answers at once.
template <typename Range>
std::string closest_name(const std::string& name, const Range& candidates) {
    const std::size_t length = utf8_length(name);
    const std::size_t limit = std::max<std::size_t>(2, length / 3);
    std::string_view best;
    std::size_t best_distance = limit + 1;  // only a plausible misspelling counts
    for (const auto& c : candidates) {
        const std::string_view candidate{c};
        const std::size_t bound = best_distance - 1;  // strictly better than the best so far
        // One edit changes the byte length by at most 4 (a UTF-8 character is 1 to 4 bytes): a cheap
        // filter on bytes first, the one on characters only when it passes.
        const std::size_t bytes_gap =
            candidate.size() > name.size() ? candidate.size() - name.size() : name.size() - candidate.size();
        if (bytes_gap > 4 * bound) continue;
        const std::size_t candidate_length = utf8_length(candidate);
        const std::size_t gap = candidate_length > length ? candidate_length - length : length - candidate_length;
        if (gap > bound) continue;
        const std::size_t d = edit_distance_within(name, candidate, bound);
        if (d <= bound) {  // first minimum wins: deterministic
            best_distance = d;
            best = candidate;
            if (d == 0) break;
        }
    }
    return std::string{best};
}

}  // namespace drsim
