// RouteTable: unit cases, then a randomised run held against a linear-scan reference.
#include <doctest/doctest.h>

#include <cstdint>
#include <iterator>
#include <optional>
#include <random>
#include <set>
#include <utility>
#include <vector>

#include "sim/routing/route_table.hpp"
#include "tests/unit/ipv4_text.hpp"

using drsim::Ipv4Address;
using drsim::Ipv4Prefix;
using drsim::Route;
using drsim::RouteTable;
using drsim::RouteTarget;

using drsim::test::addr;
using drsim::test::prefix;

namespace {

RouteTable::Match match(const char* p, std::vector<RouteTarget> targets) {
    return RouteTable::Match{prefix(p), std::move(targets)};
}
}  // namespace

TEST_CASE("an empty table matches nothing") {
    RouteTable table;
    CHECK(table.empty());
    CHECK(table.size() == 0);
    CHECK(table.routes().empty());
    CHECK_FALSE(table.lookup(addr("0.0.0.0")).has_value());
    CHECK_FALSE(table.lookup(addr("10.0.0.1")).has_value());
    CHECK_FALSE(table.lookup(addr("255.255.255.255")).has_value());
    CHECK_FALSE(table.remove(prefix("0.0.0.0/0"), 1));
    CHECK(table.empty());
}

TEST_CASE("a /0 default route matches every address") {
    RouteTable table;
    table.add(prefix("0.0.0.0/0"), 7);
    CHECK(table.size() == 1);
    CHECK_FALSE(table.empty());
    for (const char* a : {"0.0.0.0", "10.0.0.1", "192.168.1.1", "255.255.255.255"}) {
        INFO("address ", a);
        CHECK(table.lookup(addr(a)) == match("0.0.0.0/0", {7}));
    }
}

TEST_CASE("a /32 host route matches its one address only") {
    RouteTable table;
    table.add(prefix("10.0.0.19/32"), 3);
    CHECK(table.lookup(addr("10.0.0.19")) == match("10.0.0.19/32", {3}));
    CHECK_FALSE(table.lookup(addr("10.0.0.18")).has_value());
    CHECK_FALSE(table.lookup(addr("10.0.0.20")).has_value());
}

TEST_CASE("the longest containing prefix wins") {
    RouteTable table;
    table.add(prefix("0.0.0.0/0"), 1);
    table.add(prefix("10.0.0.0/8"), 2);
    table.add(prefix("10.1.0.0/16"), 3);
    table.add(prefix("10.1.2.0/24"), 4);
    table.add(prefix("10.1.2.3/32"), 5);
    CHECK(table.lookup(addr("10.1.2.3")) == match("10.1.2.3/32", {5}));
    CHECK(table.lookup(addr("10.1.2.4")) == match("10.1.2.0/24", {4}));
    CHECK(table.lookup(addr("10.1.3.4")) == match("10.1.0.0/16", {3}));
    CHECK(table.lookup(addr("10.2.3.4")) == match("10.0.0.0/8", {2}));
    CHECK(table.lookup(addr("11.1.2.3")) == match("0.0.0.0/0", {1}));

    // Withdrawing the longer routes uncovers the shorter ones again.
    REQUIRE(table.remove(prefix("10.1.2.3/32"), 5));
    CHECK(table.lookup(addr("10.1.2.3")) == match("10.1.2.0/24", {4}));
    REQUIRE(table.remove(prefix("10.1.2.0/24"), 4));
    REQUIRE(table.remove(prefix("10.1.0.0/16"), 3));
    CHECK(table.lookup(addr("10.1.2.3")) == match("10.0.0.0/8", {2}));
    CHECK(table.size() == 2);
}

TEST_CASE("equal-length routes to different targets are a conflict: both targets, sorted") {
    RouteTable table;
    table.add(prefix("10.0.0.0/16"), 1);
    table.add(prefix("10.0.0.0/24"), 9);
    table.add(prefix("10.0.0.0/24"), 4);
    table.add(prefix("10.0.0.0/24"), 6);
    CHECK(table.size() == 4);
    CHECK(table.lookup(addr("10.0.0.5")) == match("10.0.0.0/24", {4, 6, 9}));
    CHECK(table.lookup(addr("10.0.1.5")) == match("10.0.0.0/16", {1}));
    REQUIRE(table.remove(prefix("10.0.0.0/24"), 6));
    CHECK(table.lookup(addr("10.0.0.5")) == match("10.0.0.0/24", {4, 9}));
    REQUIRE(table.remove(prefix("10.0.0.0/24"), 4));
    CHECK(table.lookup(addr("10.0.0.5")) == match("10.0.0.0/24", {9}));
}

TEST_CASE("the same route added twice needs two removes") {
    RouteTable table;
    table.add(prefix("172.16.0.0/12"), 2);
    table.add(prefix("172.16.0.0/12"), 2);
    CHECK(table.size() == 1);  // distinct pairs, not counts
    CHECK(table.lookup(addr("172.20.1.1")) == match("172.16.0.0/12", {2}));  // no duplicate target

    REQUIRE(table.remove(prefix("172.16.0.0/12"), 2));
    CHECK(table.size() == 1);
    CHECK(table.lookup(addr("172.20.1.1")) == match("172.16.0.0/12", {2}));

    REQUIRE(table.remove(prefix("172.16.0.0/12"), 2));
    CHECK(table.empty());
    CHECK_FALSE(table.lookup(addr("172.20.1.1")).has_value());
    CHECK_FALSE(table.remove(prefix("172.16.0.0/12"), 2));
}

TEST_CASE("removing an absent route returns false and changes nothing") {
    RouteTable table;
    table.add(prefix("10.0.0.0/24"), 1);
    CHECK_FALSE(table.remove(prefix("10.0.0.0/24"), 2));   // other target
    CHECK_FALSE(table.remove(prefix("10.0.0.0/25"), 1));   // other length
    CHECK_FALSE(table.remove(prefix("10.0.1.0/24"), 1));   // other network
    CHECK_FALSE(table.remove(prefix("0.0.0.0/0"), 1));
    CHECK(table.size() == 1);
    CHECK(table.routes() == std::vector<Route>{{prefix("10.0.0.0/24"), 1}});
    CHECK(table.lookup(addr("10.0.0.1")) == match("10.0.0.0/24", {1}));
}

TEST_CASE("the edges of the address space: 255.255.255.255/32 and 0.0.0.0/0") {
    RouteTable table;
    table.add(prefix("255.255.255.255/32"), 0xFFFFFFFFu);
    table.add(prefix("0.0.0.0/0"), 0);
    table.add(prefix("0.0.0.0/32"), 5);
    table.add(prefix("128.0.0.0/1"), 6);
    CHECK(table.lookup(addr("255.255.255.255")) == match("255.255.255.255/32", {0xFFFFFFFFu}));
    CHECK(table.lookup(addr("255.255.255.254")) == match("128.0.0.0/1", {6}));
    CHECK(table.lookup(addr("0.0.0.0")) == match("0.0.0.0/32", {5}));
    CHECK(table.lookup(addr("0.0.0.1")) == match("0.0.0.0/0", {0}));
    CHECK(table.lookup(addr("127.255.255.255")) == match("0.0.0.0/0", {0}));
    REQUIRE(table.remove(prefix("0.0.0.0/0"), 0));
    CHECK_FALSE(table.lookup(addr("0.0.0.1")).has_value());
    REQUIRE(table.remove(prefix("255.255.255.255/32"), 0xFFFFFFFFu));
    CHECK(table.lookup(addr("255.255.255.255")) == match("128.0.0.0/1", {6}));
}

TEST_CASE("routes() lists distinct routes by (prefix, target); clear() empties the table") {
    RouteTable table;
    table.add(prefix("10.0.0.0/24"), 2);
    table.add(prefix("0.0.0.0/0"), 1);
    table.add(prefix("10.0.0.0/16"), 3);
    table.add(prefix("10.0.0.0/24"), 1);
    table.add(prefix("10.0.0.0/24"), 2);  // a second count is not a second route
    table.add(prefix("9.0.0.0/8"), 4);
    const std::vector<Route> expected{
        {prefix("0.0.0.0/0"), 1},   {prefix("9.0.0.0/8"), 4},   {prefix("10.0.0.0/16"), 3},
        {prefix("10.0.0.0/24"), 1}, {prefix("10.0.0.0/24"), 2},
    };
    CHECK(table.routes() == expected);
    CHECK(table.size() == 5);

    table.clear();
    CHECK(table.empty());
    CHECK(table.routes().empty());
    CHECK_FALSE(table.lookup(addr("10.0.0.1")).has_value());
    CHECK_FALSE(table.remove(prefix("10.0.0.0/24"), 2));
    table.add(prefix("10.0.0.0/24"), 2);  // usable again after clear
    CHECK(table.lookup(addr("10.0.0.1")) == match("10.0.0.0/24", {2}));
}

// --- Randomised test against a simple reference --------------------------------------------------

namespace {

// Trivially correct model: every advertisement as one element, scanned linearly.
class ReferenceTable {
public:
    void add(Ipv4Prefix p, RouteTarget t) { routes_.insert({p, t}); }
    bool remove(Ipv4Prefix p, RouteTarget t) {
        auto it = routes_.find({p, t});
        if (it == routes_.end()) return false;
        routes_.erase(it);  // one count only
        return true;
    }
    [[nodiscard]] std::optional<RouteTable::Match> lookup(Ipv4Address a) const {
        int best = -1;
        for (const auto& [p, t] : routes_)
            if (p.contains(a) && p.length() > best) best = p.length();
        if (best < 0) return std::nullopt;
        std::optional<Ipv4Prefix> found;
        std::set<RouteTarget> targets;
        for (const auto& [p, t] : routes_) {
            if (p.contains(a) && p.length() == best) {
                found = p;
                targets.insert(t);
            }
        }
        return RouteTable::Match{*found, std::vector<RouteTarget>(targets.begin(), targets.end())};
    }
    [[nodiscard]] std::vector<Route> routes() const {
        std::vector<Route> distinct;
        for (auto it = routes_.begin(); it != routes_.end(); it = routes_.upper_bound(*it))
            distinct.push_back(Route{it->first, it->second});
        return distinct;
    }
    [[nodiscard]] std::size_t size() const { return routes().size(); }
    [[nodiscard]] std::size_t advertisements() const { return routes_.size(); }
    [[nodiscard]] bool contains(Ipv4Prefix p, RouteTarget t) const { return routes_.count({p, t}) > 0; }
    // The advertisement at position `i` (mod the count), for removes that hit.
    [[nodiscard]] std::pair<Ipv4Prefix, RouteTarget> at(std::size_t i) const {
        return *std::next(routes_.begin(), static_cast<std::ptrdiff_t>(i % routes_.size()));
    }
    void clear() { routes_.clear(); }

private:
    std::multiset<std::pair<Ipv4Prefix, RouteTarget>> routes_;
};

struct RunCounts {
    int adds = 0;
    int removes_ok = 0;
    int removes_kept = 0;  ///< removes that dropped one count and left the route in place
    int removes_refused = 0;
    int matches = 0;
    int misses = 0;
    int conflicts = 0;  ///< lookups answered with two or more targets
};

// Runs `operations` random operations on both and requires identical answers throughout.
RunCounts run_against_reference(int operations, std::uint64_t seed) {
    std::mt19937_64 rng(seed);  // fully specified by the standard: the same sequence everywhere
    auto pick = [&](std::uint64_t n) { return rng() % n; };

    // Few base addresses, so prefixes of different lengths nest and collide often; the ends of the
    // address space are among them.
    std::vector<std::uint32_t> bases{0x00000000u, 0xFFFFFFFFu};
    for (int i = 0; i < 4; ++i) bases.push_back(static_cast<std::uint32_t>(rng()));
    auto random_prefix = [&]() {
        const auto base = bases[pick(bases.size())];
        const int length = static_cast<int>(pick(33));
        const std::uint32_t mask = length == 0 ? 0u : ~std::uint32_t{0} << (32 - length);
        return Ipv4Prefix(Ipv4Address{base & mask}, length);
    };
    // Addresses near a base (a few low bits changed) fall under its longer prefixes; some fall anywhere.
    auto random_address = [&]() {
        if (pick(10) == 0) return Ipv4Address{static_cast<std::uint32_t>(rng())};
        const auto base = bases[pick(bases.size())];
        const auto flip_bits = static_cast<int>(pick(33));
        const std::uint32_t flip =
            flip_bits == 0 ? 0u : static_cast<std::uint32_t>(rng()) >> (32 - flip_bits);
        return Ipv4Address{base ^ flip};
    };
    auto random_target = [&]() -> RouteTarget {
        const auto r = pick(9);
        return r < 8 ? static_cast<RouteTarget>(r % 4) : 0xFFFFFFFFu;
    };

    RouteTable table;
    ReferenceTable ref;
    RunCounts counts;
    for (int step = 0; step < operations; ++step) {
        // Alternate phases of 500 steps that lean to adding and to removing, so the table grows to
        // many overlapping routes and drains to empty again.
        const bool filling = (step / 500) % 2 == 0;
        const auto op = pick(100);
        const int add_share = filling ? 45 : 15;
        CAPTURE(step);
        CAPTURE(op);
        if (op < static_cast<std::uint64_t>(add_share)) {
            const auto p = random_prefix();
            const auto t = random_target();
            CAPTURE(p.to_string());
            CAPTURE(t);
            table.add(p, t);
            ref.add(p, t);
            ++counts.adds;
        } else if (op < 60) {
            // Mostly withdraw an advertisement that exists; sometimes a random (often absent) one.
            const auto route = ref.advertisements() > 0 && pick(4) != 0
                                   ? ref.at(pick(ref.advertisements()))
                                   : std::pair{random_prefix(), random_target()};
            const Ipv4Prefix p = route.first;
            const RouteTarget t = route.second;
            CAPTURE(p.to_string());
            CAPTURE(t);
            const bool ok = ref.remove(p, t);
            REQUIRE(table.remove(p, t) == ok);
            if (!ok) ++counts.removes_refused;
            else if (ref.contains(p, t)) ++counts.removes_kept;
            else ++counts.removes_ok;
        } else if (op < 99) {
            const auto a = random_address();
            CAPTURE(a.to_string());
            const auto expected = ref.lookup(a);
            REQUIRE(table.lookup(a) == expected);
            if (!expected) ++counts.misses;
            else if (expected->targets.size() >= 2) ++counts.conflicts;
            else ++counts.matches;
        } else if (pick(20) == 0) {
            table.clear();
            ref.clear();
        }
        REQUIRE(table.size() == ref.size());
        REQUIRE(table.empty() == (ref.size() == 0));
        if (step % 50 == 0) REQUIRE(table.routes() == ref.routes());
    }
    REQUIRE(table.routes() == ref.routes());
    return counts;
}

}  // namespace

TEST_CASE("randomised: matches a linear-scan reference") {
    for (std::uint64_t seed : {1u, 2u, 3u, 4u, 5u}) {
        INFO("seed ", seed);
        const int operations = 6000;
        const RunCounts counts = run_against_reference(operations, seed);
        // The run must have reached the interesting states, or it proved little.
        CHECK(counts.adds > operations / 10);
        CHECK(counts.removes_ok > operations / 50);
        CHECK(counts.removes_kept > 0);
        CHECK(counts.removes_refused > 0);
        CHECK(counts.matches > operations / 20);
        CHECK(counts.misses > 0);
        CHECK(counts.conflicts > 0);
    }
}
