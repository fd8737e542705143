#include "sim/scenario/input_error.hpp"

#include "reporting/printable.hpp"

#include <algorithm>
#include <cctype>
#include <vector>

namespace drsim {

namespace {

// A message is one line of visible text (reporting/printable): a name read from the file can
// neither forge a second diagnostic, drive the terminal, nor hide what it is; a very long one is cut.
using reporting::printable;
using reporting::printable_message;

std::string located(const std::string& file, int line, int column, const std::string& message) {
    std::string out = printable(file);
    if (line > 0) out += ':' + std::to_string(line) + ':' + std::to_string(column);
    return out + ": error: " + printable_message(message);
}

}  // namespace

InputError::InputError(std::string file, int line, int column, std::string message)
    : std::runtime_error(located(file, line, column, message)),
      file_(std::move(file)),
      line_(line),
      column_(column),
      message_(std::move(message)) {}

InputError::InputError(std::string message)
    : std::runtime_error("error: " + printable_message(message)), message_(std::move(message)) {}

namespace {

// The code points of `s`, ASCII letters lowered (names compare case-insensitively); a byte that is
// not UTF-8 stands for itself, apart from every code point.
std::vector<char32_t> code_points(std::string_view s) {
    std::vector<char32_t> out;
    out.reserve(s.size());
    for (std::size_t i = 0; i < s.size();) {
        std::uint32_t cp = 0;
        const std::size_t n = reporting::decode_utf8(s, i, cp);
        if (n == 0) {
            out.push_back(0x110000 + static_cast<unsigned char>(s[i]));
            ++i;
            continue;
        }
        out.push_back(cp >= 'A' && cp <= 'Z' ? cp - 'A' + 'a' : cp);
        i += n;
    }
    return out;
}

}  // namespace

std::size_t edit_distance(const std::string& a, const std::string& b) {
    return edit_distance_within(a, b, std::max(a.size(), b.size()));
}

std::size_t edit_distance_within(std::string_view a_text, std::string_view b_text, std::size_t bound) {
    std::vector<char32_t> a = code_points(a_text), b = code_points(b_text);
    if (a.size() < b.size()) std::swap(a, b);  // b the shorter: rows as long as it
    if (a.size() - b.size() > bound) return bound + 1;
    const std::size_t over = bound + 1;
    const std::size_t n = b.size();
    // Three rows: the one before last for transpositions (optimal string alignment distance).
    std::vector<std::size_t> before(n + 1, over), row(n + 1, over), next(n + 1, over);
    for (std::size_t j = 0; j <= std::min(n, bound); ++j) row[j] = j;
    for (std::size_t i = 1; i <= a.size(); ++i) {
        // Only cells with |i - j| <= bound can hold a distance within the bound; the row keeps
        // valid values from one before its band to one after it, which is all the next rows read.
        const std::size_t from = i > bound ? i - bound : 1;
        const std::size_t to = std::min(n, i + bound);
        next[from - 1] = from == 1 && i <= bound ? i : over;
        std::size_t smallest = next[from - 1];
        for (std::size_t j = from; j <= to; ++j) {
            std::size_t cell = std::min({row[j] + 1, next[j - 1] + 1, row[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)});
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) cell = std::min(cell, before[j - 2] + 1);
            next[j] = std::min(cell, over);
            smallest = std::min(smallest, next[j]);
        }
        if (to < n) next[to + 1] = over;
        // A row all past the bound ends it: every later cell is at least one of them (a
        // transposition from the row before costs as much as the diagonal through this one).
        if (smallest > bound) return over;
        std::swap(before, row);
        std::swap(row, next);
    }
    return row[n];
}

std::size_t utf8_length(std::string_view s) {
    std::size_t n = 0;
    for (char ch : s) n += (static_cast<unsigned char>(ch) >> 6) != 0x2;
    return n;
}

std::string did_you_mean(const std::string& suggestion) {
    return suggestion.empty() ? std::string{} : " (did you mean '" + suggestion + "'?)";
}

}  // namespace drsim
