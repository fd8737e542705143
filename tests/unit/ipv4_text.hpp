#pragma once
// Addresses and prefixes from text in tests: a test's own literal that does not parse is a bug of
// the test, reported as such.
#include <doctest/doctest.h>

#include "sim/addressing/ipv4.hpp"

namespace drsim::test {

inline Ipv4Address addr(const char* text) {
    auto a = Ipv4Address::parse(text);
    REQUIRE_MESSAGE(a.has_value(), "test address does not parse: ", text);
    return *a;
}

inline Ipv4Prefix prefix(const char* text) {
    auto p = Ipv4Prefix::parse(text);
    REQUIRE_MESSAGE(p.has_value(), "test prefix does not parse: ", text);
    return *p;
}

}  // namespace drsim::test
