// HolderMap: who holds each address of a subnet, as a flat open-addressing table; checked against
// std::map under random sets, replacements and erasures (the backward shift of erase is the tricky part).
#include <doctest/doctest.h>

#include <map>
#include <random>
#include <vector>

#include "sim/world/holder_map.hpp"

using namespace drsim;

namespace {

std::map<std::uint32_t, std::pair<std::uint32_t, std::uint8_t>> contents(const HolderMap& m) {
    std::map<std::uint32_t, std::pair<std::uint32_t, std::uint8_t>> out;
    m.for_each([&](std::uint32_t address, HolderMap::Holder h) {
        CHECK(out.emplace(address, std::pair{h.vm, h.slot}).second);  // each address once
    });
    return out;
}

}  // namespace

TEST_CASE("a holder map sets, replaces, finds and erases holders") {
    HolderMap m;
    CHECK(m.empty());
    CHECK_FALSE(m.find(10).has_value());
    m.erase(10);  // nothing to erase: no change
    m.set(10, {7, 1});
    m.set(11, {8, 0});
    REQUIRE(m.find(10).has_value());
    CHECK(m.find(10)->vm == 7);
    CHECK(m.find(10)->slot == 1);
    m.set(10, {9, 2});  // replaced, not added
    CHECK(m.size() == 2);
    CHECK(m.find(10)->vm == 9);
    CHECK(m.find(10)->slot == 2);
    m.erase(10);
    CHECK_FALSE(m.find(10).has_value());
    CHECK(m.find(11)->vm == 8);
    CHECK(m.size() == 1);
    m.set(0, {1, 0});  // address 0 is a key like any other
    CHECK(m.find(0)->vm == 1);
}

TEST_CASE("a holder map agrees with std::map under random sets and erasures") {
    for (std::uint32_t seed : {1u, 2u, 3u, 4u}) {
        std::mt19937 rng(seed);
        // Few distinct keys for many operations, so runs collide, wrap around the table and are erased
        // from their middle; consecutive keys (a subnet's addresses) and spread ones alike.
        const std::uint32_t base = seed % 2 ? 0x0A000000U : 0xFFFFFF00U;
        const std::uint32_t spread = seed <= 2 ? 1 : 0x01000193U;
        std::uniform_int_distribution<std::uint32_t> key(0, 300), vm(0, 1'000'000), op(0, 9);
        HolderMap m;
        std::map<std::uint32_t, std::pair<std::uint32_t, std::uint8_t>> ref;
        for (int step = 0; step < 20000; ++step) {
            const std::uint32_t address = base + key(rng) * spread;
            if (op(rng) < 6) {
                const std::uint32_t v = vm(rng);
                const auto slot = static_cast<std::uint8_t>(v % 3);
                m.set(address, {v, slot});
                ref[address] = {v, slot};
            } else {
                m.erase(address);
                ref.erase(address);
            }
            const auto found = m.find(address);
            const auto it = ref.find(address);
            REQUIRE(found.has_value() == (it != ref.end()));
            if (found) {
                CHECK(found->vm == it->second.first);
                CHECK(found->slot == it->second.second);
            }
            REQUIRE(m.size() == ref.size());
            if (step % 997 == 0) REQUIRE(contents(m) == ref);
        }
        REQUIRE(contents(m) == ref);
        for (const auto& [address, holder] : ref) {
            REQUIRE(m.find(address).has_value());
            CHECK(m.find(address)->vm == holder.first);
        }
    }
}
