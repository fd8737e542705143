#include "sim/addressing/ipv4.hpp"

#include <array>
#include <cassert>
#include <charconv>
#include <cstring>

namespace drsim {

namespace {
// Parses a decimal octet without sign, spaces or leading zeros.
std::optional<std::uint32_t> parse_octet(std::string_view s) {
    if (s.empty() || s.size() > 3 || (s.size() > 1 && s[0] == '0')) return std::nullopt;
    std::uint32_t v = 0;
    for (char c : s) {
        if (c < '0' || c > '9') return std::nullopt;
        v = v * 10 + static_cast<std::uint32_t>(c - '0');
    }
    if (v > 255) return std::nullopt;
    return v;
}
}  // namespace

std::optional<Ipv4Address> Ipv4Address::parse(std::string_view text) {
    std::uint32_t value = 0;
    for (int i = 0; i < 4; ++i) {
        auto dot = text.find('.');
        if ((i < 3) != (dot != std::string_view::npos)) return std::nullopt;
        auto octet = parse_octet(text.substr(0, dot));
        if (!octet) return std::nullopt;
        value = (value << 8) | *octet;
        text = i < 3 ? text.substr(dot + 1) : std::string_view{};
    }
    return Ipv4Address{value};
}

std::string Ipv4Address::to_string() const { return std::string{text().view()}; }

namespace {

// Each octet's digits, made once: four bytes (the digits, then zeros) and their count.
struct OctetText {
    char digits[4];
    std::uint8_t size;
};
constexpr std::array<OctetText, 256> kOctets = [] {
    std::array<OctetText, 256> t{};
    for (unsigned v = 0; v < 256; ++v) {
        OctetText& o = t[v];
        if (v >= 100) o.digits[o.size++] = static_cast<char>('0' + v / 100);
        if (v >= 10) o.digits[o.size++] = static_cast<char>('0' + v / 10 % 10);
        o.digits[o.size++] = static_cast<char>('0' + v % 10);
    }
    return t;
}();

}  // namespace

Ipv4Address::Text Ipv4Address::text() const {
    // One pass into a buffer: addresses are formatted for every decision made and every record
    // written. Each octet's four bytes are copied whole (the buffer has room for the last one's
    // spare bytes) and the end moved on by its digits.
    Text t{};
    char* out = t.chars;
    for (int shift = 24; shift >= 0; shift -= 8) {
        const OctetText& o = kOctets[(value_ >> shift) & 255u];
        std::memcpy(out, o.digits, 4);
        out += o.size;
        if (shift) *out++ = '.';
    }
    t.size = static_cast<std::uint8_t>(out - t.chars);
    return t;
}

Ipv4Prefix::Ipv4Prefix(Ipv4Address network, int length) : network_(network), length_(length) {
    assert(length >= 0 && length <= 32 && "prefix length out of range");
    assert((network.value() & ~mask()) == 0 && "prefix has host bits set");
}

std::optional<Ipv4Prefix> Ipv4Prefix::parse(std::string_view text) {
    auto slash = text.find('/');
    if (slash == std::string_view::npos) return std::nullopt;
    auto address = Ipv4Address::parse(text.substr(0, slash));
    auto len_text = text.substr(slash + 1);
    if (!address || len_text.empty() || len_text.size() > 2 || (len_text.size() > 1 && len_text[0] == '0'))
        return std::nullopt;
    int length = 0;
    auto [ptr, ec] = std::from_chars(len_text.data(), len_text.data() + len_text.size(), length);
    if (ec != std::errc{} || ptr != len_text.data() + len_text.size() || length < 0 || length > 32)
        return std::nullopt;
    std::uint32_t mask = length == 0 ? 0u : ~std::uint32_t{0} << (32 - length);
    if ((address->value() & ~mask) != 0) return std::nullopt;
    return Ipv4Prefix{*address, length};
}

std::string Ipv4Prefix::to_string() const { return network_.to_string() + '/' + std::to_string(length_); }

Ipv4Address Ipv4Prefix::broadcast() const { return Ipv4Address{network_.value() | ~mask()}; }

Ipv4Range Ipv4Prefix::hosts(std::uint32_t skip_first, std::uint32_t skip_last) const {
    // In 64 bits: at 255.255.255.252/30, network + 4 does not wrap to 0.0.0.0.
    const std::uint64_t first = std::uint64_t{network_.value()} + skip_first;
    const std::uint64_t end = std::uint64_t{network_.value()} + size();  // one past the broadcast address
    if (first + skip_last >= end) return Ipv4Range{Ipv4Address{1}, Ipv4Address{0}};  // empty
    return Ipv4Range{Ipv4Address{static_cast<std::uint32_t>(first)}, Ipv4Address{static_cast<std::uint32_t>(end - 1 - skip_last)}};
}

bool any_overlap(const std::vector<Ipv4Prefix>& a, const std::vector<Ipv4Prefix>& b) {
    for (const auto& x : a)
        for (const auto& y : b)
            if (x.overlaps(y)) return true;
    return false;
}

}  // namespace drsim
