// The bounded edit distance behind "did you mean" against the full one, on random strings; and
// closest_name answering at once for a long unknown name among many candidates.
#include <doctest/doctest.h>

#include <random>
#include <string>
#include <vector>

#include "sim/scenario/input_error.hpp"

using namespace drsim;

TEST_CASE("edit_distance_within agrees with edit_distance up to its bound") {
    std::mt19937 rng(7);
    auto word = [&] {
        std::string s(rng() % 9, 'a');
        for (auto& ch : s) ch = static_cast<char>("abcAB"[rng() % 5]);
        return s;
    };
    for (int i = 0; i < 20000; ++i) {
        const std::string a = word(), b = word();
        const std::size_t bound = rng() % 6;
        const std::size_t full = edit_distance(a, b);
        const std::size_t within = edit_distance_within(a, b, bound);
        CAPTURE(a);
        CAPTURE(b);
        CAPTURE(bound);
        if (full <= bound) CHECK(within == full);
        else CHECK(within > bound);
    }
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
