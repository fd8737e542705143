#pragma once
// Free/held bookkeeping for the usable addresses of one subnet (or one VMM static pool).
#include <cstdint>
#include <map>
#include <optional>

#include "sim/addressing/ipv4.hpp"

namespace drsim {

/// Keeps the free addresses of one inclusive range as a map of disjoint free intervals, so memory is
/// proportional to fragmentation, not to the range size (a /8 costs one entry), and every query or
/// update is O(log k) for k free intervals.
class AddressAllocator {
public:
    /// Every address of `usable` starts free. An empty range (last < first) has no address.
    explicit AddressAllocator(Ipv4Range usable);

    Ipv4Range range() const { return range_; }
    /// True when `a` is inside the range and not held. O(log k).
    bool is_free(Ipv4Address a) const;
    /// Marks `a` held. Returns false (and changes nothing) when `a` is outside the range or already held.
    bool take(Ipv4Address a);
    /// Marks a held address free again. Returns false when `a` is outside the range or already free.
    bool release(Ipv4Address a);
    /// The lowest free address (ADDR-LOWEST-FREE); nullopt when none is free. O(1).
    std::optional<Ipv4Address> lowest_free() const;
    /// The highest free address (ADDR-HIGHEST-FREE); nullopt when none is free. O(1).
    std::optional<Ipv4Address> highest_free() const;
    /// The lowest free address inside `within` (a VMM static pool); nullopt when none. O(log k).
    std::optional<Ipv4Address> lowest_free_in(Ipv4Range within) const;
    /// The highest free address inside `within`; nullopt when none. O(log k).
    std::optional<Ipv4Address> highest_free_in(Ipv4Range within) const;
    /// The number of free addresses. O(1).
    std::uint64_t free_count() const { return free_count_; }
    /// The number of held addresses. O(1).
    std::uint64_t held_count() const;

private:
    /// Addresses in the range (0 when empty); 64-bit so 0.0.0.0-255.255.255.255 fits.
    [[nodiscard]] std::uint64_t range_size() const;
    /// Debug check after an update: the interval holding `a` is well formed and not adjacent to (nor
    /// overlapping) its neighbours. O(log k).
    [[nodiscard]] bool gaps_around_hold(std::uint32_t a) const;

    Ipv4Range range_;
    std::map<std::uint32_t, std::uint32_t> free_;  ///< first -> last (inclusive), disjoint, non-adjacent
    std::uint64_t free_count_ = 0;
};

}  // namespace drsim
