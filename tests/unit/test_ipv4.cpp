// Ipv4Address, Ipv4Prefix and Ipv4Range: parsing, printing, containment.
#include <doctest/doctest.h>

#include <string>

#include "sim/addressing/ipv4.hpp"
#include "tests/unit/ipv4_text.hpp"

using drsim::Ipv4Address;
using drsim::Ipv4Prefix;
using drsim::Ipv4Range;

using drsim::test::addr;
using drsim::test::prefix;

TEST_CASE("Ipv4Address::parse accepts dotted quads and computes the value") {
    CHECK(Ipv4Address::parse("10.0.0.19") == Ipv4Address{0x0A000013u});
    CHECK(Ipv4Address::parse("0.0.0.0") == Ipv4Address{0u});
    CHECK(Ipv4Address::parse("255.255.255.255") == Ipv4Address{0xFFFFFFFFu});
    CHECK(Ipv4Address::parse("192.168.1.254") == Ipv4Address{0xC0A801FEu});
    CHECK(Ipv4Address::parse("1.2.3.4") == Ipv4Address{0x01020304u});  // octet order
    CHECK(Ipv4Address::parse("100.10.0.200") == Ipv4Address{0x640A00C8u});
}

TEST_CASE("Ipv4Address::parse refuses malformed text") {
    const char* bad[] = {
        "",             // empty
        "10.0.0",       // missing octet
        "10.0",         // missing octets
        "10",           // one number
        "10.0.0.0.0",   // five octets
        "10.0.0.",      // trailing dot
        ".10.0.0",      // leading dot
        "10..0.1",      // empty octet
        "10.0.0.256",   // > 255
        "256.0.0.1",    // > 255 first
        "10.0.0.1000",  // four digits
        "010.0.0.1",    // leading zero
        "10.00.0.1",    // leading zero on a zero
        "10.0.0.01",    // leading zero last
        " 10.0.0.1",    // leading space
        "10.0.0.1 ",    // trailing space
        "10.0. 0.1",    // inner space
        "10.0.0.1\n",   // newline
        "+10.0.0.1",    // sign
        "10.0.0.-1",    // negative
        "a.b.c.d",      // letters
        "10.0.0.1a",    // trailing letter
        "0x0A.0.0.1",   // hex
        "10.0.0.1/24",  // a prefix is not an address
    };
    for (const char* text : bad) {
        INFO("text: '", text, "'");
        CHECK_FALSE(Ipv4Address::parse(text).has_value());
    }
}

TEST_CASE("Ipv4Address::to_string round trips") {
    const char* texts[] = {"0.0.0.0",         "10.0.0.4", "10.0.0.254", "172.16.255.1",
                           "255.255.255.255", "1.2.3.4",  "100.64.0.10"};
    for (const char* text : texts) {
        INFO("text: ", text);
        CHECK(addr(text).to_string() == text);
    }
    for (std::uint32_t v : {0u, 1u, 255u, 256u, 0x0A0000FFu, 0x7FFFFFFFu, 0x80000000u, 0xFFFFFFFEu}) {
        INFO("value: ", v);
        auto back = Ipv4Address::parse(Ipv4Address{v}.to_string());
        REQUIRE(back.has_value());
        CHECK(back->value() == v);
    }
}

TEST_CASE("Ipv4Address::text writes every octet at every place as its decimal digits") {
    for (unsigned place = 0; place < 4; ++place) {
        for (std::uint32_t octet = 0; octet < 256; ++octet) {
            // The octet at `place`, and other octets of one, two and three digits around it.
            const std::uint32_t others[4] = {7, 42, 255, 100};
            std::uint32_t value = 0;
            std::string expected;
            for (unsigned i = 0; i < 4; ++i) {
                const std::uint32_t o = i == place ? octet : others[(i + octet) % 4];
                value = value << 8 | o;
                expected += (i ? "." : "") + std::to_string(o);
            }
            const Ipv4Address::Text t = Ipv4Address{value}.text();
            REQUIRE(std::string{t.view()} == expected);
        }
    }
}

TEST_CASE("Ipv4Address orders by numeric value") {
    CHECK(addr("10.0.0.9") < addr("10.0.0.10"));  // not by text
    CHECK(addr("9.255.255.255") < addr("10.0.0.0"));
    CHECK(addr("10.0.0.1") == addr("10.0.0.1"));
    CHECK(addr("10.0.1.0") > addr("10.0.0.255"));
}

TEST_CASE("Ipv4Prefix::parse accepts valid prefixes") {
    auto p = prefix("10.0.0.0/24");
    CHECK(p.network() == addr("10.0.0.0"));
    CHECK(p.length() == 24);

    auto all = prefix("0.0.0.0/0");
    CHECK(all.network() == addr("0.0.0.0"));
    CHECK(all.length() == 0);

    auto host = prefix("10.0.0.19/32");
    CHECK(host.network() == addr("10.0.0.19"));
    CHECK(host.length() == 32);

    CHECK(prefix("10.0.0.0/8").length() == 8);
    CHECK(prefix("172.16.0.0/12").length() == 12);
    CHECK(prefix("10.0.16.0/20").network() == addr("10.0.16.0"));
}

TEST_CASE("Ipv4Prefix::parse refuses malformed prefixes and set host bits") {
    const char* bad[] = {
        "10.0.0.0",        // no length
        "10.0.0.0/",       // empty length
        "/24",             // no address
        "10.0.0.0/33",     // too long
        "0.0.0.0/33",      // too long, and no host bits to give it away
        "10.0.0.0/100",    // three digits
        "10.0.0.0/-1",     // negative
        "10.0.0.0/+8",     // sign
        "10.0.0.0/024",    // leading zero
        "10.0.0.0/08",     // leading zero
        "10.0.0.0/ 24",    // space
        "10.0.0.0 /24",    // space
        "10.0.0.0/24 ",    // trailing space
        "10.0.0.0/24/24",  // two slashes
        "10.0.0.0/2a",     // letter
        "10.0.0/24",       // missing octet
        "10.0.0.256/24",   // bad octet
        "010.0.0.0/8",     // leading zero in the address
        "10.0.0.1/24",     // host bits set
        "10.0.0.128/24",   // host bits set (high host bit)
        "10.0.16.0/19",    // host bit set just past the prefix
        "10.1.0.0/8",      // host bits set in the second octet
        "0.0.0.1/0",       // /0 with any bit set
        "128.0.0.0/0",     // /0 with the top bit set
    };
    for (const char* text : bad) {
        INFO("text: '", text, "'");
        CHECK_FALSE(Ipv4Prefix::parse(text).has_value());
    }
}

TEST_CASE("Ipv4Prefix::to_string round trips") {
    for (const char* text : {"10.0.0.0/24", "0.0.0.0/0", "10.0.0.19/32", "10.0.0.0/8", "192.168.128.0/17"}) {
        INFO("text: ", text);
        CHECK(prefix(text).to_string() == text);
    }
}

TEST_CASE("Ipv4Prefix size and broadcast") {
    CHECK(prefix("10.0.0.0/24").size() == 256);
    CHECK(prefix("10.0.0.0/24").broadcast() == addr("10.0.0.255"));
    CHECK(prefix("10.0.16.0/20").size() == 4096);
    CHECK(prefix("10.0.16.0/20").broadcast() == addr("10.0.31.255"));
    CHECK(prefix("10.0.0.0/8").size() == 16777216);
    CHECK(prefix("10.0.0.0/8").broadcast() == addr("10.255.255.255"));
    CHECK(prefix("10.0.0.19/32").size() == 1);
    CHECK(prefix("10.0.0.19/32").broadcast() == addr("10.0.0.19"));
    CHECK(prefix("10.0.0.18/31").size() == 2);
    CHECK(prefix("10.0.0.18/31").broadcast() == addr("10.0.0.19"));
    CHECK(prefix("0.0.0.0/0").size() == 4294967296ull);
    CHECK(prefix("0.0.0.0/0").broadcast() == addr("255.255.255.255"));
    CHECK(prefix("128.0.0.0/1").broadcast() == addr("255.255.255.255"));
    CHECK(prefix("0.0.0.0/1").broadcast() == addr("127.255.255.255"));
}

TEST_CASE("Ipv4Prefix::contains an address") {
    auto p = prefix("10.0.0.0/24");
    CHECK(p.contains(addr("10.0.0.0")));
    CHECK(p.contains(addr("10.0.0.19")));
    CHECK(p.contains(addr("10.0.0.255")));
    CHECK_FALSE(p.contains(addr("10.0.1.0")));
    CHECK_FALSE(p.contains(addr("9.255.255.255")));
    CHECK_FALSE(p.contains(addr("11.0.0.0")));

    auto all = prefix("0.0.0.0/0");
    CHECK(all.contains(addr("0.0.0.0")));
    CHECK(all.contains(addr("255.255.255.255")));
    CHECK(all.contains(addr("10.1.2.3")));

    auto host = prefix("10.0.0.19/32");
    CHECK(host.contains(addr("10.0.0.19")));
    CHECK_FALSE(host.contains(addr("10.0.0.18")));
    CHECK_FALSE(host.contains(addr("10.0.0.20")));
}

TEST_CASE("Ipv4Prefix::contains a prefix") {
    auto p8 = prefix("10.0.0.0/8");
    auto p24 = prefix("10.0.0.0/24");
    CHECK(p8.contains(p24));
    CHECK_FALSE(p24.contains(p8));  // same network address, but wider
    CHECK(p24.contains(p24));
    CHECK(p8.contains(prefix("10.255.255.0/24")));
    CHECK_FALSE(p8.contains(prefix("11.0.0.0/24")));
    CHECK_FALSE(p24.contains(prefix("10.0.1.0/24")));
    CHECK(prefix("0.0.0.0/0").contains(p8));
    CHECK_FALSE(p8.contains(prefix("0.0.0.0/0")));
    CHECK(p24.contains(prefix("10.0.0.19/32")));
    CHECK_FALSE(p24.contains(prefix("10.0.1.19/32")));
}

TEST_CASE("Ipv4Prefix::overlaps is symmetric and exact at the edges") {
    auto a = prefix("10.0.0.0/16");
    auto b = prefix("10.0.255.0/24");   // last /24 of a
    auto c = prefix("10.1.0.0/24");     // just after a
    auto d = prefix("9.255.255.0/24");  // just before a
    CHECK(a.overlaps(b));
    CHECK(b.overlaps(a));
    CHECK_FALSE(a.overlaps(c));
    CHECK_FALSE(c.overlaps(a));
    CHECK_FALSE(a.overlaps(d));
    CHECK_FALSE(d.overlaps(a));
    CHECK(a.overlaps(a));
    CHECK(prefix("0.0.0.0/0").overlaps(c));
    CHECK(c.overlaps(prefix("0.0.0.0/0")));
    CHECK_FALSE(prefix("10.0.0.0/25").overlaps(prefix("10.0.0.128/25")));
    CHECK(prefix("10.0.0.0/24").overlaps(prefix("10.0.0.128/25")));
}

TEST_CASE("Ipv4Prefix equality and order") {
    CHECK(prefix("10.0.0.0/24") == prefix("10.0.0.0/24"));
    CHECK(prefix("10.0.0.0/24") != prefix("10.0.0.0/25"));
    CHECK(prefix("10.0.0.0/24") != prefix("10.0.1.0/24"));
    CHECK(prefix("10.0.0.0/24") < prefix("10.0.1.0/24"));
}

TEST_CASE("Ipv4Range contains and empty") {
    Ipv4Range r{addr("10.0.0.4"), addr("10.0.0.254")};
    CHECK_FALSE(r.empty());
    CHECK(r.contains(addr("10.0.0.4")));
    CHECK(r.contains(addr("10.0.0.254")));
    CHECK(r.contains(addr("10.0.0.100")));
    CHECK_FALSE(r.contains(addr("10.0.0.3")));
    CHECK_FALSE(r.contains(addr("10.0.0.255")));

    Ipv4Range single{addr("10.0.0.7"), addr("10.0.0.7")};
    CHECK_FALSE(single.empty());
    CHECK(single.contains(addr("10.0.0.7")));
    CHECK_FALSE(single.contains(addr("10.0.0.8")));

    Ipv4Range none{addr("10.0.0.8"), addr("10.0.0.7")};
    CHECK(none.empty());
    CHECK_FALSE(none.contains(addr("10.0.0.7")));
    CHECK_FALSE(none.contains(addr("10.0.0.8")));

    CHECK(r == Ipv4Range{addr("10.0.0.4"), addr("10.0.0.254")});
    CHECK_FALSE(r == single);
}

// The one computation behind ADDR-AZURE-RESERVED and ADDR-ONPREM-RANGE: no wrap at the top of the
// address space, empty when the reserved addresses use the whole prefix.
TEST_CASE("Ipv4Prefix::hosts at the top and bottom of the address space") {
    const Ipv4Range top30_onprem = prefix("255.255.255.252/30").hosts(1, 1);
    CHECK(top30_onprem.first == addr("255.255.255.253"));
    CHECK(top30_onprem.last == addr("255.255.255.254"));
    CHECK(prefix("255.255.255.252/30").hosts(4, 1).empty());  // an Azure /30 has no usable address
    CHECK(prefix("255.255.255.248/29").hosts(4, 1) == Ipv4Range{addr("255.255.255.252"), addr("255.255.255.254")});
    CHECK(prefix("255.255.255.255/32").hosts(1, 1).empty());
    CHECK(prefix("255.255.255.254/31").hosts(1, 1).empty());
    CHECK(prefix("0.0.0.0/30").hosts(1, 1) == Ipv4Range{addr("0.0.0.1"), addr("0.0.0.2")});
    CHECK(prefix("0.0.0.0/32").hosts(1, 1).empty());
    CHECK(prefix("0.0.0.0/0").hosts(4, 1) == Ipv4Range{addr("0.0.0.4"), addr("255.255.255.254")});
    CHECK(prefix("10.0.0.0/24").hosts(0, 0) == Ipv4Range{addr("10.0.0.0"), addr("10.0.0.255")});
}
