// NameTable: each name held once, found by name, its views stable as the table grows and moves.
#include <doctest/doctest.h>

#include <map>
#include <random>
#include <string>
#include <vector>

#include "sim/scenario/name_table.hpp"

using namespace drsim;

TEST_CASE("a name table holds each name once and finds it by name") {
    NameTable t;
    t.reserve(3);
    auto web = t.add("web-01", 0);
    REQUIRE(web.has_value());
    CHECK(*web == "web-01");
    CHECK(t.add("db", 1).has_value());
    CHECK_FALSE(t.add("web-01", 2).has_value());  // held already: nothing added
    CHECK(t.find("web-01") == 0u);
    CHECK(t.find("db") == 1u);
    CHECK_FALSE(t.find("web-02").has_value());
    CHECK(t.size() == 2);
    CHECK(t.add("", 2).has_value());  // an empty name is a name like any other
    CHECK(t.find("") == 2u);
}

TEST_CASE("held names stay valid as the table grows and moves; a long name gets a block of its own") {
    NameTable t;
    std::vector<HeldName> held;
    std::vector<std::string> names;
    for (std::uint32_t i = 0; i < 50'000; ++i) {
        names.push_back("vm-" + std::to_string(i));
        if (i == 1234) names.back() = std::string(100'000, 'x');  // longer than a block
        held.push_back(*t.add(names.back(), i));
    }
    NameTable moved = std::move(t);
    for (std::uint32_t i = 0; i < names.size(); ++i) {
        CHECK(held[i] == names[i]);
        CHECK(moved.find(names[i]) == i);
    }
    CHECK(t.size() == 0);  // NOLINT: the moved-from table is empty
}

TEST_CASE("a held name joins into texts as a std::string does") {
    NameTable t;
    const HeldName name = *t.add("web1", 0);
    const std::string text = name + " booted";
    CHECK(text == "web1 booted");
    CHECK("VM " + name == "VM web1");
    CHECK(std::string{"vm/"} + name + "/site" == "vm/web1/site");
    CHECK(name + name == "web1web1");
    const std::string copy = name;
    CHECK(copy == "web1");
    std::map<std::string, int> by_name;
    by_name[name] = 1;
    CHECK(by_name.at("web1") == 1);
}

TEST_CASE("randomised: a name table answers as a std::map of the names added") {
    std::mt19937 rng(7);
    NameTable t;
    std::map<std::string, std::uint32_t> reference;
    for (std::uint32_t i = 0; i < 20'000; ++i) {
        std::string name(1 + rng() % 6, 'a');
        for (char& c : name) c = static_cast<char>('a' + rng() % 4);
        const bool fresh = !reference.contains(name);
        const auto held = t.add(name, i);
        CHECK(held.has_value() == fresh);
        if (fresh) reference.emplace(name, i);
        CHECK(t.find(name) == reference.at(name));
        t.prefetch(NameTable::hash(name));  // a hint only: changes nothing
    }
    CHECK(t.size() == reference.size());
    // Names never added, among them ones whose slot tags match a held name's.
    for (std::uint32_t i = 0; i < 5'000; ++i) {
        std::string name(1 + rng() % 8, 'a');
        for (char& c : name) c = static_cast<char>('a' + rng() % 5);
        const auto it = reference.find(name);
        CHECK(t.find(name) == (it == reference.end() ? std::nullopt : std::optional<std::uint32_t>{it->second}));
    }
}
