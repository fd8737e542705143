#include "sim/addressing/address_allocator.hpp"

#include <algorithm>
#include <cassert>
#include <iterator>

namespace drsim {

AddressAllocator::AddressAllocator(Ipv4Range usable) : range_(usable) {
    if (!usable.empty()) {
        free_.emplace(usable.first.value(), usable.last.value());
        free_count_ = std::uint64_t{usable.last.value()} - usable.first.value() + 1;
    }
}

bool AddressAllocator::is_free(Ipv4Address address) const {
    if (!range_.contains(address)) return false;
    // The only interval that can hold the address is the last one starting at or before it.
    auto it = free_.upper_bound(address.value());
    if (it == free_.begin()) return false;
    return address.value() <= std::prev(it)->second;
}

bool AddressAllocator::take(Ipv4Address address) {
    if (!range_.contains(address)) return false;
    const std::uint32_t a = address.value();
    auto it = free_.upper_bound(a);
    if (it == free_.begin()) return false;
    --it;
    const std::uint32_t first = it->first;
    const std::uint32_t last = it->second;
    if (a > last) return false;

    // Split [first, last] around `a`; the pieces stay non-adjacent to their neighbours because the
    // neighbours were already non-adjacent to the whole interval.
    if (a == last) {
        if (a == first) {
            free_.erase(it);
        } else {
            it->second = a - 1;
        }
    } else if (a == first) {
        // The interval now starts one later: its node moved to its new key, not freed and made
        // again (taking the lowest free address, one after another, is the common case).
        const auto next = std::next(it);
        auto node = free_.extract(it);
        node.key() = a + 1;  // a < last, so a + 1 does not wrap
        free_.insert(next, std::move(node));
    } else {
        it->second = a - 1;
        free_.emplace_hint(std::next(it), a + 1, last);
    }
    assert(free_count_ > 0 && "took an address while none was free");
    --free_count_;
    assert(!is_free(address) && "address still free after take");
    return true;
}

bool AddressAllocator::release(Ipv4Address address) {
    if (!range_.contains(address)) return false;
    const std::uint32_t a = address.value();
    auto next = free_.upper_bound(a);  // first interval starting after `a`
    auto prev = next == free_.begin() ? free_.end() : std::prev(next);
    if (prev != free_.end() && a <= prev->second) return false;  // already free

    // prev->second < a < next->first here, so neither + 1 below can wrap.
    const bool joins_prev = prev != free_.end() && prev->second + 1 == a;
    const bool joins_next = next != free_.end() && a + 1 == next->first;
    if (joins_prev && joins_next) {
        prev->second = next->second;
        free_.erase(next);
    } else if (joins_prev) {
        prev->second = a;
    } else if (joins_next) {
        const auto after = std::next(next);
        auto node = free_.extract(next);
        node.key() = a;
        free_.insert(after, std::move(node));
    } else {
        free_.emplace_hint(next, a, a);
    }
    ++free_count_;
    assert(free_count_ <= range_size() && "more free addresses than the range holds");
    assert(gaps_around_hold(a) && "free intervals adjacent or overlapping after release");
    return true;
}

std::optional<Ipv4Address> AddressAllocator::lowest_free() const {
    if (free_.empty()) return std::nullopt;
    return Ipv4Address{free_.begin()->first};
}

std::optional<Ipv4Address> AddressAllocator::highest_free() const {
    if (free_.empty()) return std::nullopt;
    return Ipv4Address{free_.rbegin()->second};
}

std::uint64_t AddressAllocator::held_count() const { return range_size() - free_count_; }

std::uint64_t AddressAllocator::range_size() const {
    if (range_.empty()) return 0;
    return std::uint64_t{range_.last.value()} - range_.first.value() + 1;
}

bool AddressAllocator::gaps_around_hold(std::uint32_t a) const {
    auto it = free_.upper_bound(a);
    if (it == free_.begin()) return false;
    --it;  // the interval now holding `a`
    if (it->first > it->second) return false;
    if (it != free_.begin()) {
        auto before = std::prev(it);
        if (std::uint64_t{before->second} + 1 >= it->first) return false;
    }
    auto after = std::next(it);
    if (after != free_.end() && std::uint64_t{it->second} + 1 >= after->first) return false;
    return true;
}

std::optional<Ipv4Address> AddressAllocator::lowest_free_in(Ipv4Range within) const {
    if (within.empty()) return std::nullopt;
    const std::uint32_t from = within.first.value();
    auto it = free_.upper_bound(from);  // first interval starting after `from`
    if (it != free_.begin()) {
        auto prev = std::prev(it);
        if (prev->second >= from) return Ipv4Address{from};  // `from` itself is free
    }
    if (it == free_.end() || it->first > within.last.value()) return std::nullopt;
    return Ipv4Address{it->first};
}

std::optional<Ipv4Address> AddressAllocator::highest_free_in(Ipv4Range within) const {
    if (within.empty()) return std::nullopt;
    const std::uint32_t to = within.last.value();
    auto it = free_.upper_bound(to);  // intervals before `it` start at or below `to`
    if (it == free_.begin()) return std::nullopt;
    auto prev = std::prev(it);
    const std::uint32_t candidate = std::min(prev->second, to);
    if (candidate < within.first.value()) return std::nullopt;
    return Ipv4Address{candidate};
}

}  // namespace drsim
