#pragma once
// Longest-prefix-match routing: which prefix, and which place(s), an address is routed to.
#include <array>
#include <compare>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <unordered_map>
#include <vector>

#include "sim/addressing/ipv4.hpp"

namespace drsim {

/// Where a route leads: an opaque id chosen by the caller (a network, a connection...).
using RouteTarget = std::uint32_t;

struct Route {
    Ipv4Prefix prefix;
    RouteTarget target = 0;
    auto operator<=>(const Route&) const = default;
};

/// Routes as one hash map per prefix length (network address -> targets) plus a bit mask of the
/// lengths in use, so a lookup probes only the lengths present, longest first, and an update touches
/// one map. Equal-length routes to different targets are all kept: they are conflicts the caller sees.
class RouteTable {
public:
    /// The answer of a lookup: the longest matching prefix and its distinct targets, ascending.
    struct Match {
        Ipv4Prefix prefix;
        std::vector<RouteTarget> targets;  ///< two or more = a conflict between equal-length routes
        bool operator==(const Match&) const = default;
    };

    /// Adds one count of (prefix, target); the same pair twice counts twice, so two advertisements of
    /// one prefix to one place can be withdrawn one by one. O(1) average.
    void add(Ipv4Prefix prefix, RouteTarget target);
    /// Withdraws one count of (prefix, target); false (and nothing changes) when it is not there.
    /// O(1) average.
    bool remove(Ipv4Prefix prefix, RouteTarget target);
    /// The longest prefix holding `a` with its distinct targets ascending; nullopt when no prefix
    /// holds `a`. O(number of distinct prefix lengths present) average.
    std::optional<Match> lookup(Ipv4Address a) const;

    struct TargetCount {
        RouteTarget target;
        std::uint32_t count;  ///< advertisements not yet withdrawn; never 0 in the table
    };
    /// lookup without a copy, for hot paths: the prefix and a view of its targets (ascending), valid
    /// until the table next changes.
    struct MatchRef {
        Ipv4Prefix prefix;
        std::span<const TargetCount> targets;
    };
    std::optional<MatchRef> find(Ipv4Address a) const;
    /// The number of distinct (prefix, target) pairs, whatever their counts. O(1).
    std::size_t size() const { return size_; }
    bool empty() const { return size_ == 0; }
    /// Every distinct route ordered by (prefix, target), for reports and tests. O(n log n).
    std::vector<Route> routes() const;
    /// Removes every route. O(n).
    void clear();

private:
    /// Targets of one prefix, sorted by target: usually one or two, so a vector beats a map.
    using Targets = std::vector<TargetCount>;

    /// by_length_[L]: network address of each /L prefix -> its targets; never holds an empty vector.
    std::array<std::unordered_map<std::uint32_t, Targets>, 33> by_length_;
    /// Bit L set exactly when by_length_[L] is not empty.
    std::uint64_t lengths_present_ = 0;
    std::size_t size_ = 0;
};

}  // namespace drsim
