#pragma once
// IPv4 addresses and prefixes as value types. Everything that handles addresses goes through
// these two types (and AddressAllocator), so an IPv6 form can replace them later.
#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace drsim {

class Ipv4Address {
public:
    constexpr Ipv4Address() = default;
    constexpr explicit Ipv4Address(std::uint32_t value) : value_(value) {}

    /// Parses dotted-quad text ("10.0.0.19"); nullopt for anything else (leading zeros, >255, spaces).
    static std::optional<Ipv4Address> parse(std::string_view text);
    std::string to_string() const;
    /// The dotted quad in a buffer of its own (at most 15 characters): no string made.
    struct Text {
        char chars[16];
        std::uint8_t size;
        std::string_view view() const { return {chars, size}; }
    };
    Text text() const;

    constexpr std::uint32_t value() const { return value_; }
    constexpr auto operator<=>(const Ipv4Address&) const = default;

private:
    std::uint32_t value_ = 0;
};

/// An inclusive range of addresses (a VMM static pool, a usable range).
struct Ipv4Range {
    Ipv4Address first;
    Ipv4Address last;
    bool contains(Ipv4Address a) const { return first <= a && a <= last; }
    bool empty() const { return last < first; }
    bool operator==(const Ipv4Range&) const = default;
};

class Ipv4Prefix {
public:
    constexpr Ipv4Prefix() = default;
    /// The host bits of `network` must be zero (checked by parse; asserted here in Debug).
    Ipv4Prefix(Ipv4Address network, int length);

    /// Parses "10.0.0.0/24"; nullopt when malformed or when host bits are set ("10.0.0.1/24").
    static std::optional<Ipv4Prefix> parse(std::string_view text);
    std::string to_string() const;

    constexpr Ipv4Address network() const { return network_; }
    constexpr int length() const { return length_; }
    Ipv4Address broadcast() const;
    /// Number of addresses in the prefix (2^(32-length)), as 64-bit so /0 fits.
    std::uint64_t size() const { return std::uint64_t{1} << (32 - length_); }

    /// The addresses of the prefix less `skip_first` at its start and `skip_last` at its end,
    /// computed without wrapping at the top of the address space; empty when none is left.
    Ipv4Range hosts(std::uint32_t skip_first, std::uint32_t skip_last) const;

    bool contains(Ipv4Address a) const { return (a.value() & mask()) == network_.value(); }
    bool contains(const Ipv4Prefix& p) const { return p.length_ >= length_ && contains(p.network_); }
    bool overlaps(const Ipv4Prefix& p) const { return contains(p.network_) || p.contains(network_); }

    constexpr auto operator<=>(const Ipv4Prefix&) const = default;

private:
    std::uint32_t mask() const { return length_ == 0 ? 0u : ~std::uint32_t{0} << (32 - length_); }
    Ipv4Address network_{};
    int length_ = 0;
};


/// True when some prefix of `a` overlaps some prefix of `b` (address spaces that clash). O(|a| x |b|).
bool any_overlap(const std::vector<Ipv4Prefix>& a, const std::vector<Ipv4Prefix>& b);

}  // namespace drsim
