// AddressAllocator: unit cases, then a randomised run held against a std::set reference.
#include <doctest/doctest.h>

#include <cstdint>
#include <optional>
#include <random>
#include <set>
#include <string>

#include "sim/addressing/address_allocator.hpp"

using drsim::AddressAllocator;
using drsim::Ipv4Address;
using drsim::Ipv4Range;

namespace {
Ipv4Address addr(const char* text) {
    auto a = Ipv4Address::parse(text);
    REQUIRE_MESSAGE(a.has_value(), "test address does not parse: ", text);
    return *a;
}

// The usable range of an Azure /24 (ADDR-AZURE-RESERVED): 10.0.0.4 - 10.0.0.254.
Ipv4Range azure_24() { return Ipv4Range{addr("10.0.0.4"), addr("10.0.0.254")}; }
}  // namespace

TEST_CASE("a fresh Azure /24 range: every usable address free, ends at .4 and .254") {
    AddressAllocator alloc(azure_24());
    CHECK(alloc.range() == azure_24());
    CHECK(alloc.lowest_free() == addr("10.0.0.4"));
    CHECK(alloc.highest_free() == addr("10.0.0.254"));
    CHECK(alloc.free_count() == 251);
    CHECK(alloc.held_count() == 0);
    CHECK(alloc.is_free(addr("10.0.0.4")));
    CHECK(alloc.is_free(addr("10.0.0.19")));
    CHECK(alloc.is_free(addr("10.0.0.254")));
    // Reserved and outside addresses are never free.
    CHECK_FALSE(alloc.is_free(addr("10.0.0.0")));
    CHECK_FALSE(alloc.is_free(addr("10.0.0.3")));
    CHECK_FALSE(alloc.is_free(addr("10.0.0.255")));
    CHECK_FALSE(alloc.is_free(addr("10.0.1.4")));
}

TEST_CASE("take then release one address") {
    AddressAllocator alloc(azure_24());
    REQUIRE(alloc.take(addr("10.0.0.19")));
    CHECK_FALSE(alloc.is_free(addr("10.0.0.19")));
    CHECK(alloc.is_free(addr("10.0.0.18")));
    CHECK(alloc.is_free(addr("10.0.0.20")));
    CHECK(alloc.free_count() == 250);
    CHECK(alloc.held_count() == 1);
    CHECK(alloc.lowest_free() == addr("10.0.0.4"));
    CHECK(alloc.highest_free() == addr("10.0.0.254"));

    CHECK_FALSE(alloc.take(addr("10.0.0.19")));  // already held: refused, nothing changes
    CHECK(alloc.free_count() == 250);

    REQUIRE(alloc.release(addr("10.0.0.19")));
    CHECK(alloc.is_free(addr("10.0.0.19")));
    CHECK(alloc.free_count() == 251);
    CHECK(alloc.held_count() == 0);

    CHECK_FALSE(alloc.release(addr("10.0.0.19")));  // already free: refused, nothing changes
    CHECK(alloc.free_count() == 251);
    CHECK(alloc.held_count() == 0);
}

TEST_CASE("taking the ends moves lowest_free and highest_free") {
    AddressAllocator alloc(azure_24());
    REQUIRE(alloc.take(addr("10.0.0.4")));
    REQUIRE(alloc.take(addr("10.0.0.5")));
    CHECK(alloc.lowest_free() == addr("10.0.0.6"));
    REQUIRE(alloc.take(addr("10.0.0.254")));
    CHECK(alloc.highest_free() == addr("10.0.0.253"));
    REQUIRE(alloc.release(addr("10.0.0.4")));
    CHECK(alloc.lowest_free() == addr("10.0.0.4"));
    CHECK_FALSE(alloc.is_free(addr("10.0.0.5")));
    REQUIRE(alloc.release(addr("10.0.0.254")));
    CHECK(alloc.highest_free() == addr("10.0.0.254"));
    CHECK(alloc.free_count() == 250);
}

TEST_CASE("release merges with both neighbours") {
    AddressAllocator alloc(azure_24());
    for (const char* a : {"10.0.0.10", "10.0.0.11", "10.0.0.12"}) REQUIRE(alloc.take(addr(a)));
    REQUIRE(alloc.release(addr("10.0.0.11")));  // a hole between two held addresses
    CHECK(alloc.is_free(addr("10.0.0.11")));
    CHECK_FALSE(alloc.is_free(addr("10.0.0.10")));
    CHECK_FALSE(alloc.is_free(addr("10.0.0.12")));
    REQUIRE(alloc.release(addr("10.0.0.10")));  // joins the free run below and the hole above
    REQUIRE(alloc.release(addr("10.0.0.12")));
    CHECK(alloc.free_count() == 251);
    for (std::uint32_t v = addr("10.0.0.4").value(); v <= addr("10.0.0.254").value(); ++v) {
        INFO("address ", Ipv4Address{v}.to_string());
        CHECK(alloc.is_free(Ipv4Address{v}));
    }
}

TEST_CASE("a full range has no lowest or highest free address") {
    AddressAllocator alloc(azure_24());
    int taken = 0;
    while (auto a = alloc.lowest_free()) {
        REQUIRE(alloc.take(*a));
        ++taken;
        REQUIRE(taken <= 251);
    }
    CHECK(taken == 251);
    CHECK_FALSE(alloc.lowest_free().has_value());
    CHECK_FALSE(alloc.highest_free().has_value());
    CHECK(alloc.free_count() == 0);
    CHECK(alloc.held_count() == 251);
    CHECK_FALSE(alloc.take(addr("10.0.0.100")));

    REQUIRE(alloc.release(addr("10.0.0.100")));
    CHECK(alloc.lowest_free() == addr("10.0.0.100"));
    CHECK(alloc.highest_free() == addr("10.0.0.100"));
    CHECK(alloc.free_count() == 1);
}

TEST_CASE("highest_free allocation fills the range from the top") {
    AddressAllocator alloc(azure_24());
    CHECK(alloc.highest_free() == addr("10.0.0.254"));
    REQUIRE(alloc.take(*alloc.highest_free()));
    CHECK(alloc.highest_free() == addr("10.0.0.253"));
    REQUIRE(alloc.take(*alloc.highest_free()));
    CHECK(alloc.highest_free() == addr("10.0.0.252"));
    CHECK(alloc.lowest_free() == addr("10.0.0.4"));
}

TEST_CASE("misuse outside the range is refused and changes nothing") {
    AddressAllocator alloc(azure_24());
    REQUIRE(alloc.take(addr("10.0.0.50")));
    CHECK_FALSE(alloc.take(addr("10.0.0.3")));
    CHECK_FALSE(alloc.take(addr("10.0.0.255")));
    CHECK_FALSE(alloc.take(addr("0.0.0.0")));
    CHECK_FALSE(alloc.take(addr("255.255.255.255")));
    CHECK_FALSE(alloc.release(addr("10.0.0.3")));
    CHECK_FALSE(alloc.release(addr("10.0.0.255")));
    CHECK_FALSE(alloc.release(addr("10.0.1.50")));
    CHECK(alloc.free_count() == 250);
    CHECK(alloc.held_count() == 1);
    CHECK(alloc.lowest_free() == addr("10.0.0.4"));
    CHECK(alloc.highest_free() == addr("10.0.0.254"));
    CHECK_FALSE(alloc.is_free(addr("10.0.0.50")));
}

TEST_CASE("a single-address range") {
    AddressAllocator alloc(Ipv4Range{addr("10.0.0.7"), addr("10.0.0.7")});
    CHECK(alloc.free_count() == 1);
    CHECK(alloc.lowest_free() == addr("10.0.0.7"));
    CHECK(alloc.highest_free() == addr("10.0.0.7"));
    CHECK_FALSE(alloc.is_free(addr("10.0.0.6")));
    CHECK_FALSE(alloc.is_free(addr("10.0.0.8")));
    CHECK_FALSE(alloc.take(addr("10.0.0.8")));
    REQUIRE(alloc.take(addr("10.0.0.7")));
    CHECK_FALSE(alloc.lowest_free().has_value());
    CHECK_FALSE(alloc.highest_free().has_value());
    CHECK(alloc.held_count() == 1);
    CHECK_FALSE(alloc.take(addr("10.0.0.7")));
    REQUIRE(alloc.release(addr("10.0.0.7")));
    CHECK(alloc.lowest_free() == addr("10.0.0.7"));
    CHECK(alloc.free_count() == 1);
    CHECK(alloc.held_count() == 0);
}

TEST_CASE("an empty range has no address") {
    AddressAllocator alloc(Ipv4Range{addr("10.0.0.8"), addr("10.0.0.7")});
    CHECK(alloc.free_count() == 0);
    CHECK(alloc.held_count() == 0);
    CHECK_FALSE(alloc.lowest_free().has_value());
    CHECK_FALSE(alloc.highest_free().has_value());
    for (const char* a : {"10.0.0.7", "10.0.0.8", "0.0.0.0"}) {
        INFO("address ", a);
        CHECK_FALSE(alloc.is_free(addr(a)));
        CHECK_FALSE(alloc.take(addr(a)));
        CHECK_FALSE(alloc.release(addr(a)));
    }
    CHECK(alloc.free_count() == 0);
}

TEST_CASE("the whole address space, edges included") {
    AddressAllocator alloc(Ipv4Range{addr("0.0.0.0"), addr("255.255.255.255")});
    CHECK(alloc.free_count() == 4294967296ull);
    CHECK(alloc.held_count() == 0);
    REQUIRE(alloc.take(addr("255.255.255.255")));
    REQUIRE(alloc.take(addr("0.0.0.0")));
    CHECK(alloc.lowest_free() == addr("0.0.0.1"));
    CHECK(alloc.highest_free() == addr("255.255.255.254"));
    CHECK(alloc.free_count() == 4294967294ull);
    CHECK(alloc.held_count() == 2);
    REQUIRE(alloc.release(addr("255.255.255.255")));
    REQUIRE(alloc.release(addr("0.0.0.0")));
    CHECK(alloc.lowest_free() == addr("0.0.0.0"));
    CHECK(alloc.highest_free() == addr("255.255.255.255"));
    CHECK(alloc.held_count() == 0);
}

// --- Randomised test against a simple reference --------------------------------------------------

namespace {

// Trivially correct model: the set of held addresses (so a /8 costs only what is held).
class ReferenceAllocator {
public:
    explicit ReferenceAllocator(Ipv4Range range) : range_(range) {}

    [[nodiscard]] bool is_free(std::uint32_t a) const { return in_range(a) && held_.count(a) == 0; }
    bool take(std::uint32_t a) { return is_free(a) && held_.insert(a).second; }
    bool release(std::uint32_t a) { return in_range(a) && held_.erase(a) == 1; }

    // Walks the run of held addresses from the bottom of the range.
    [[nodiscard]] std::optional<std::uint32_t> lowest_free() const {
        if (range_.empty()) return std::nullopt;
        std::uint64_t candidate = range_.first.value();
        for (auto it = held_.lower_bound(range_.first.value()); it != held_.end() && *it == candidate; ++it)
            ++candidate;
        if (candidate > range_.last.value()) return std::nullopt;
        return static_cast<std::uint32_t>(candidate);
    }
    // Walks the run of held addresses from the top of the range.
    [[nodiscard]] std::optional<std::uint32_t> highest_free() const {
        if (range_.empty()) return std::nullopt;
        std::int64_t candidate = range_.last.value();
        auto it = held_.upper_bound(range_.last.value());
        while (it != held_.begin()) {
            --it;
            if (static_cast<std::int64_t>(*it) != candidate) break;
            --candidate;
        }
        if (candidate < static_cast<std::int64_t>(range_.first.value())) return std::nullopt;
        return static_cast<std::uint32_t>(candidate);
    }
    [[nodiscard]] std::uint64_t size() const {
        return range_.empty() ? 0 : std::uint64_t{range_.last.value()} - range_.first.value() + 1;
    }
    [[nodiscard]] std::uint64_t free_count() const { return size() - held_.size(); }
    [[nodiscard]] std::uint64_t held_count() const { return held_.size(); }
    // A held address at or after `a` (wrapping to the first one), if any is held.
    [[nodiscard]] std::optional<std::uint32_t> held_near(std::uint32_t a) const {
        if (held_.empty()) return std::nullopt;
        auto it = held_.lower_bound(a);
        return it == held_.end() ? *held_.begin() : *it;
    }

private:
    [[nodiscard]] bool in_range(std::uint32_t a) const { return range_.contains(Ipv4Address{a}); }
    Ipv4Range range_;
    std::set<std::uint32_t> held_;
};

std::optional<std::uint32_t> value_of(std::optional<Ipv4Address> a) {
    if (!a) return std::nullopt;
    return a->value();
}

struct RunCounts {
    int takes_ok = 0;
    int takes_refused = 0;
    int releases_ok = 0;
    int releases_refused = 0;
    int full = 0;  ///< operations after which no address was free
};

// Runs `operations` random operations on both and requires identical answers after each one.
RunCounts run_against_reference(Ipv4Range range, int operations, std::uint64_t seed) {
    std::mt19937_64 rng(seed);  // fully specified by the standard: the same sequence everywhere
    auto pick = [&](std::uint64_t n) { return rng() % n; };
    const std::uint64_t first = range.first.value();
    const std::uint64_t last = range.last.value();
    const std::uint64_t window = 64;
    auto clamp = [](std::int64_t v) {
        return static_cast<std::uint32_t>(v < 0 ? 0 : (v > 0xFFFFFFFFll ? 0xFFFFFFFFll : v));
    };

    AddressAllocator alloc(range);
    ReferenceAllocator ref(range);
    // Most picks land near the ends or next to a held address, where intervals split and merge;
    // some fall just outside the range or anywhere in the 32-bit space.
    auto random_address = [&]() -> std::uint32_t {
        const auto r = pick(100);
        const auto lo = static_cast<std::int64_t>(first);
        const auto hi = static_cast<std::int64_t>(last);
        if (r < 25) return clamp(lo - 2 + static_cast<std::int64_t>(pick(window + 4)));
        if (r < 45) return clamp(hi + 2 - static_cast<std::int64_t>(pick(window + 4)));
        if (r < 75) {
            const auto near = ref.held_near(clamp(lo + static_cast<std::int64_t>(pick(last - first + 1))));
            if (near) return clamp(static_cast<std::int64_t>(*near) - 1 + static_cast<std::int64_t>(pick(3)));
        }
        if (r < 95) return clamp(lo + static_cast<std::int64_t>(pick(last - first + 1)));
        return static_cast<std::uint32_t>(rng());
    };

    RunCounts counts;
    for (int step = 0; step < operations; ++step) {
        // Alternate phases of 1,000 steps that lean to taking and to releasing, so small ranges fill
        // up completely and empty out again.
        const bool filling = (step / 1000) % 2 == 0;
        auto op = pick(100);
        if (filling && op >= 40 && op < 70 && pick(4) != 0) op = pick(40);
        if (!filling && op < 40 && pick(2) == 0) op = 40 + pick(30);
        std::uint32_t a = 0;
        CAPTURE(step);
        CAPTURE(op);
        if (op < 25) {
            a = random_address();
            CAPTURE(a);
            const bool ok = ref.take(a);
            REQUIRE(alloc.take(Ipv4Address{a}) == ok);
            ++(ok ? counts.takes_ok : counts.takes_refused);
        } else if (op < 40) {
            // The simulator's two allocation policies: ADDR-LOWEST-FREE and ADDR-HIGHEST-FREE.
            const auto chosen = op < 35 ? ref.lowest_free() : ref.highest_free();
            REQUIRE(value_of(op < 35 ? alloc.lowest_free() : alloc.highest_free()) == chosen);
            if (chosen) {
                a = *chosen;
                CAPTURE(a);
                REQUIRE(ref.take(a));
                REQUIRE(alloc.take(Ipv4Address{a}));
                ++counts.takes_ok;
            }
        } else if (op < 70) {
            a = random_address();
            CAPTURE(a);
            const bool ok = ref.release(a);
            REQUIRE(alloc.release(Ipv4Address{a}) == ok);
            ++(ok ? counts.releases_ok : counts.releases_refused);
        } else if (op < 85) {
            a = random_address();
            CAPTURE(a);
            REQUIRE(alloc.is_free(Ipv4Address{a}) == ref.is_free(a));
        } else {
            REQUIRE(value_of(alloc.lowest_free()) == ref.lowest_free());
            REQUIRE(value_of(alloc.highest_free()) == ref.highest_free());
        }
        REQUIRE(alloc.free_count() == ref.free_count());
        REQUIRE(alloc.held_count() == ref.held_count());
        if (ref.free_count() == 0) ++counts.full;
    }
    // The end state agrees too, address by address near both ends.
    REQUIRE(value_of(alloc.lowest_free()) == ref.lowest_free());
    REQUIRE(value_of(alloc.highest_free()) == ref.highest_free());
    for (std::uint64_t v = first; v <= last && v < first + 2 * window; ++v)
        REQUIRE(alloc.is_free(Ipv4Address{static_cast<std::uint32_t>(v)}) ==
                ref.is_free(static_cast<std::uint32_t>(v)));
    return counts;
}

}  // namespace

TEST_CASE("randomised: matches a std::set reference on small and edge ranges") {
    struct Case {
        const char* name;
        Ipv4Range range;
        int operations;
        std::uint64_t seed;
    };
    const Case cases[] = {
        {"Azure /24 usable", azure_24(), 30000, 1},
        {"three addresses", Ipv4Range{addr("192.168.0.1"), addr("192.168.0.3")}, 10000, 2},
        {"top of the address space", Ipv4Range{addr("255.255.255.200"), addr("255.255.255.255")}, 10000, 3},
        {"bottom of the address space", Ipv4Range{addr("0.0.0.0"), addr("0.0.0.40")}, 10000, 4},
    };
    for (const Case& c : cases) {
        INFO("range: ", std::string(c.name));
        const RunCounts counts = run_against_reference(c.range, c.operations, c.seed);
        // The run must have reached the interesting states, or it proved little.
        CHECK(counts.takes_ok > c.operations / 50);
        CHECK(counts.takes_refused > 0);
        CHECK(counts.releases_ok > c.operations / 50);
        CHECK(counts.releases_refused > 0);
        CHECK(counts.full > 0);
    }
}

TEST_CASE("randomised: matches a std::set reference on a /8") {
    // An Azure /8 usable range: 16,777,211 addresses; the reference holds only the taken ones.
    const Ipv4Range range{addr("10.0.0.4"), addr("10.255.255.254")};
    const RunCounts counts = run_against_reference(range, 50000, 8);
    CHECK(counts.takes_ok > 5000);
    CHECK(counts.takes_refused > 0);
    CHECK(counts.releases_ok > 2500);
    CHECK(counts.releases_refused > 0);
    CHECK(counts.full == 0);
}
