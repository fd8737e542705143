#include "sim/scenario/input_error.hpp"

#include <algorithm>
#include <cctype>
#include <vector>

namespace drsim {

namespace {

// A message is one line of printable text: control characters (a newline or an escape sequence in
// a name read from the file) are shown escaped, so they can neither forge a second diagnostic nor
// reach the terminal.
std::string printable(const std::string& text) {
    std::string out;
    out.reserve(text.size());
    for (unsigned char ch : text) {
        if (ch >= 0x20 && ch != 0x7f) {
            out += static_cast<char>(ch);
        } else if (ch == '\n') {
            out += "\\n";
        } else if (ch == '\t') {
            out += "\\t";
        } else {
            static const char hex[] = "0123456789abcdef";
            out += "\\x";
            out += hex[ch >> 4];
            out += hex[ch & 15];
        }
    }
    return out;
}

std::string located(const std::string& file, int line, int column, const std::string& message) {
    std::string out = printable(file);
    if (line > 0) out += ':' + std::to_string(line) + ':' + std::to_string(column);
    return out + ": error: " + printable(message);
}

}  // namespace

InputError::InputError(std::string file, int line, int column, std::string message)
    : std::runtime_error(located(file, line, column, message)),
      file_(std::move(file)),
      line_(line),
      column_(column),
      message_(std::move(message)) {}

InputError::InputError(std::string message) : std::runtime_error("error: " + printable(message)), message_(std::move(message)) {}

std::size_t edit_distance(const std::string& a, const std::string& b) {
    std::vector<std::size_t> row(b.size() + 1);
    for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
    for (std::size_t i = 1; i <= a.size(); ++i) {
        std::size_t diagonal = row[0];
        row[0] = i;
        for (std::size_t j = 1; j <= b.size(); ++j) {
            std::size_t above = row[j];
            bool same = std::tolower(static_cast<unsigned char>(a[i - 1])) ==
                        std::tolower(static_cast<unsigned char>(b[j - 1]));
            row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (same ? 0 : 1)});
            diagonal = above;
        }
    }
    return row[b.size()];
}

std::size_t edit_distance_within(std::string_view a, std::string_view b, std::size_t bound) {
    if (a.size() < b.size()) std::swap(a, b);  // b the shorter: rows as long as it
    if (a.size() - b.size() > bound) return bound + 1;
    const std::size_t over = bound + 1;
    auto lower = [](char ch) { return std::tolower(static_cast<unsigned char>(ch)); };
    std::vector<std::size_t> row(b.size() + 1, over);
    for (std::size_t j = 0; j <= std::min(b.size(), bound); ++j) row[j] = j;
    for (std::size_t i = 1; i <= a.size(); ++i) {
        // Only cells with |i - j| <= bound can hold a distance within the bound.
        const std::size_t from = i > bound ? i - bound : 1;
        const std::size_t to = std::min(b.size(), i + bound);
        std::size_t diagonal = from >= 1 ? row[from - 1] : over;
        row[from - 1] = i <= bound && from == 1 ? i : over;
        std::size_t smallest = row[from - 1];
        for (std::size_t j = from; j <= to; ++j) {
            const std::size_t above = row[j];
            const std::size_t cell = std::min({above + 1, row[j - 1] + 1, diagonal + (lower(a[i - 1]) == lower(b[j - 1]) ? 0 : 1)});
            row[j] = std::min(cell, over);
            diagonal = above;
            smallest = std::min(smallest, row[j]);
        }
        if (to < b.size()) row[to + 1] = over;
        if (smallest > bound) return over;
    }
    return row[b.size()];
}

std::string did_you_mean(const std::string& suggestion) {
    return suggestion.empty() ? std::string{} : " (did you mean '" + suggestion + "'?)";
}

}  // namespace drsim
