#include "sim/routing/route_table.hpp"

#include <algorithm>
#include <bit>
#include <cassert>

namespace drsim {

namespace {
std::uint32_t network_mask(int length) {
    return length == 0 ? 0u : ~std::uint32_t{0} << (32 - length);
}
}  // namespace

void RouteTable::add(Ipv4Prefix prefix, RouteTarget target) {
    const int length = prefix.length();
    Targets& targets = by_length_[static_cast<std::size_t>(length)][prefix.network().value()];
    auto it = std::lower_bound(targets.begin(), targets.end(), target,
                               [](const TargetCount& tc, RouteTarget t) { return tc.target < t; });
    if (it != targets.end() && it->target == target) {
        assert(it->count < UINT32_MAX && "route reference count overflow");
        ++it->count;
        return;
    }
    targets.insert(it, TargetCount{target, 1});
    lengths_present_ |= std::uint64_t{1} << length;
    ++size_;
}

bool RouteTable::remove(Ipv4Prefix prefix, RouteTarget target) {
    const int length = prefix.length();
    auto& map = by_length_[static_cast<std::size_t>(length)];
    auto entry = map.find(prefix.network().value());
    if (entry == map.end()) return false;
    Targets& targets = entry->second;
    auto it = std::lower_bound(targets.begin(), targets.end(), target,
                               [](const TargetCount& tc, RouteTarget t) { return tc.target < t; });
    if (it == targets.end() || it->target != target) return false;
    assert(it->count > 0 && "a route with a zero count was left in the table");
    if (--it->count > 0) return true;

    targets.erase(it);
    assert(size_ > 0 && "removed a route from an empty table");
    --size_;
    if (targets.empty()) {
        map.erase(entry);
        if (map.empty()) lengths_present_ &= ~(std::uint64_t{1} << length);
    }
    return true;
}

std::optional<RouteTable::MatchRef> RouteTable::find(Ipv4Address a) const {
    // Walk the present lengths from the longest: the first hit is the longest match.
    for (std::uint64_t lengths = lengths_present_; lengths != 0;) {
        const int length = std::bit_width(lengths) - 1;
        lengths &= ~(std::uint64_t{1} << length);
        const auto& map = by_length_[static_cast<std::size_t>(length)];
        const std::uint32_t network = a.value() & network_mask(length);
        auto entry = map.find(network);
        if (entry == map.end()) continue;
        assert(!entry->second.empty() && "an empty target list was left in the table");
        return MatchRef{Ipv4Prefix(Ipv4Address{network}, length), entry->second};
    }
    return std::nullopt;
}

std::optional<RouteTable::Match> RouteTable::lookup(Ipv4Address a) const {
    auto ref = find(a);
    if (!ref) return std::nullopt;
    Match match{ref->prefix, {}};
    match.targets.reserve(ref->targets.size());
    for (const TargetCount& tc : ref->targets) match.targets.push_back(tc.target);
    return match;
}

std::vector<Route> RouteTable::routes() const {
    std::vector<Route> all;
    all.reserve(size_);
    for (int length = 0; length <= 32; ++length) {
        for (const auto& [network, targets] : by_length_[static_cast<std::size_t>(length)]) {
            for (const TargetCount& tc : targets)
                all.push_back(Route{Ipv4Prefix(Ipv4Address{network}, length), tc.target});
        }
    }
    assert(all.size() == size_ && "size() disagrees with the stored routes");
    std::sort(all.begin(), all.end());
    return all;
}

void RouteTable::clear() {
    for (auto& map : by_length_) map.clear();
    lengths_present_ = 0;
    size_ = 0;
}

}  // namespace drsim
