// The bounded edit distance behind "did you mean" against the full one, on random strings; and
// closest_name answering at once for a long unknown name among many candidates.
#include <doctest/doctest.h>

#include <algorithm>
#include <cctype>
#include <random>
#include <string>
#include <vector>

#include "sim/scenario/input_error.hpp"

using namespace drsim;

namespace {

// The reference: optimal string alignment distance over whole characters, the full table.
std::size_t reference_distance(const std::vector<std::string>& a, const std::vector<std::string>& b) {
    auto same = [](const std::string& x, const std::string& y) {
        if (x.size() != 1 || y.size() != 1) return x == y;
        return std::tolower(static_cast<unsigned char>(x[0])) == std::tolower(static_cast<unsigned char>(y[0]));
    };
    std::vector<std::vector<std::size_t>> d(a.size() + 1, std::vector<std::size_t>(b.size() + 1));
    for (std::size_t i = 0; i <= a.size(); ++i) d[i][0] = i;
    for (std::size_t j = 0; j <= b.size(); ++j) d[0][j] = j;
    for (std::size_t i = 1; i <= a.size(); ++i)
        for (std::size_t j = 1; j <= b.size(); ++j) {
            d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (same(a[i - 1], b[j - 1]) ? 0 : 1)});
            if (i > 1 && j > 1 && same(a[i - 1], b[j - 2]) && same(a[i - 2], b[j - 1]))
                d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
        }
    return d[a.size()][b.size()];
}

}  // namespace

TEST_CASE("edit_distance_within agrees with a full-table reference up to its bound, in characters") {
    std::mt19937 rng(7);
    // Letters of both cases, a two-byte and a three-byte character, and a zero-width space.
    const std::vector<std::string> alphabet{"a", "b", "c", "A", "B", "\xc3\xa9", "\xe2\x82\xac", "\xe2\x80\x8b"};
    auto word = [&] {
        std::vector<std::string> chars(rng() % 9);
        for (auto& ch : chars) ch = alphabet[rng() % alphabet.size()];
        return chars;
    };
    auto join = [](const std::vector<std::string>& chars) {
        std::string s;
        for (const auto& ch : chars) s += ch;
        return s;
    };
    for (int i = 0; i < 20000; ++i) {
        const auto a = word(), b = word();
        const std::size_t bound = rng() % 6;
        const std::size_t full = reference_distance(a, b);
        const std::size_t within = edit_distance_within(join(a), join(b), bound);
        CAPTURE(join(a));
        CAPTURE(join(b));
        CAPTURE(bound);
        CHECK(edit_distance(join(a), join(b)) == full);
        if (full <= bound) CHECK(within == full);
        else CHECK(within > bound);
    }
}

TEST_CASE("did you mean: a swap of two neighbours is one edit, an invisible character is one character") {
    const std::vector<std::string> networks{"vnet-ea", "vnet-sea"};
    CHECK(closest_name(std::string{"vnet-sae"}, networks) == "vnet-sea");
    const std::vector<std::string> vms{"web1", "web2"};
    CHECK(closest_name(std::string{"web1\xe2\x80\x8b"}, vms) == "web1");
    CHECK(closest_name(std::string{"w\xc3\xa9" "b1"}, vms) == "web1");  // the literal split: \x escapes are greedy
}

TEST_CASE("closest_name: the nearest plausible name, and none for a long stranger among a million") {
    const std::vector<std::string> names{"web1", "web2", "database", "stretched-vlan"};
    CHECK(closest_name(std::string{"wbe1"}, names) == "web1");
    CHECK(closest_name(std::string{"databse"}, names) == "database");
    CHECK(closest_name(std::string{"stretched-vlam"}, names) == "stretched-vlan");
    CHECK(closest_name(std::string{"zzzz"}, names).empty());
    std::vector<std::string> many;
    many.reserve(1'000'000);
    for (int i = 0; i < 1'000'000; ++i) many.push_back("vm-" + std::to_string(i));
    CHECK(closest_name(std::string(3000, 'x'), many).empty());  // a length filter, not 10^6 full comparisons
    CHECK(closest_name(std::string{"vm-99999x"}, many) == "vm-99999");
}

TEST_CASE("a message is one printable line: control characters from the file are shown escaped") {
    const InputError e("f.yaml", 3, 7, "unknown site 'A\nf.yaml:1:1: error: forged\x1b[31m'");
    const std::string what = e.what();
    CHECK(what.find('\n') == std::string::npos);
    CHECK(what.find('\x1b') == std::string::npos);
    CHECK(what == "f.yaml:3:7: error: unknown site 'A\\nf.yaml:1:1: error: forged\\x1b[31m'");
}
