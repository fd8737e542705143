// The rule catalogue (sim/rules/rule_catalogue.hpp): ids are unique and well formed, every id
// round-trips through find_rule, every rule id of SPEC.md is in the catalogue, and the Markdown
// catalogue (docs/rules.md, `drsim rules`) lists every id.
#include <doctest/doctest.h>

#include <cstddef>
#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "sim/cli/cli.hpp"
#include "sim/rules/rule_catalogue.hpp"

using namespace drsim;

namespace {

const std::string kSpecPath = DRSIM_SOURCE_DIR "/../shared/SPEC.md";

std::string read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

// The ids in bold spans of a Markdown text that look like rule ids ("**IP-TFO-END**"); bold prose
// ("**DR engineers …**") does not match the id pattern.
std::set<std::string> bold_rule_ids(const std::string& markdown) {
    static const std::regex bold(R"(\*\*([A-Z]+(?:-[A-Z0-9]+)+)\*\*)");
    std::set<std::string> ids;
    for (auto it = std::sregex_iterator(markdown.begin(), markdown.end(), bold); it != std::sregex_iterator(); ++it)
        ids.insert((*it)[1].str());
    return ids;
}

}  // namespace

TEST_CASE("the catalogue is not empty and its ids are unique") {
    const auto rules = all_rules();
    REQUIRE(rules.size() > 0);
    std::set<std::string_view> seen;
    for (const auto& info : rules) {
        CAPTURE(info.id);
        CHECK_MESSAGE(seen.insert(info.id).second, "duplicate rule id ", info.id);
    }
    CHECK(seen.size() == rules.size());
}

TEST_CASE("every id has the form WORD-WORD(-WORD…) in capitals and digits") {
    static const std::regex form(R"(^[A-Z]+(-[A-Z0-9]+)+$)");
    for (const auto& info : all_rules()) {
        CAPTURE(info.id);
        CHECK(std::regex_match(std::string{info.id}, form));
    }
}

TEST_CASE("every entry is complete: section, origin spec|drsim, summary") {
    for (const auto& info : all_rules()) {
        CAPTURE(info.id);
        CHECK_FALSE(info.section.empty());
        CHECK((info.origin == "spec" || info.origin == "drsim"));
        CHECK_FALSE(info.summary.empty());
    }
}

TEST_CASE("the catalogue is indexed by its enum: all_rules()[i].rule is the i-th rule") {
    const auto rules = all_rules();
    for (std::size_t i = 0; i < rules.size(); ++i) {
        CAPTURE(rules[i].id);
        CHECK(static_cast<std::size_t>(rules[i].rule) == i);
        CHECK(rule_id(rules[i].rule) == rules[i].id);
    }
}

TEST_CASE("find_rule(rule_id(r)) == r for every rule") {
    for (const auto& info : all_rules()) {
        CAPTURE(info.id);
        auto found = find_rule(rule_id(info.rule));
        REQUIRE(found.has_value());
        CHECK(*found == info.rule);
    }
}

TEST_CASE("find_rule: an unknown id is nullopt") {
    CHECK_FALSE(find_rule("NO-SUCH-RULE").has_value());
    CHECK_FALSE(find_rule("").has_value());
    CHECK_FALSE(find_rule("ip-tfo-end").has_value());   // ids are case-sensitive
    CHECK_FALSE(find_rule("IP-TFO-END ").has_value());  // exact match, no trimming
    CHECK_FALSE(find_rule("IP-TFO").has_value());       // no prefix match
}

TEST_CASE("every rule id in SPEC.md's bold spans is in the catalogue") {
    if (!std::filesystem::exists(kSpecPath)) {
        MESSAGE("SPEC.md not found at " << kSpecPath << ": check skipped");
        return;
    }
    const std::set<std::string> ids = bold_rule_ids(read_file(kSpecPath));
    // The spec names several dozen rules in bold; finding few means the pattern or the file is wrong.
    REQUIRE_MESSAGE(ids.size() >= 20, "found only ", ids.size(), " bold rule ids in ", kSpecPath);
    for (const auto& id : ids) {
        CAPTURE(id);
        CHECK_MESSAGE(find_rule(id).has_value(), "SPEC.md names ", id, " but the catalogue lacks it");
    }
}

TEST_CASE("the bold-span scanner finds ids and ignores bold prose") {
    // Guards the check above: it must be able to see an id, and must not take prose for one.
    const auto ids = bold_rule_ids("- **IP-TFO-END**: test … **DR engineers on paper** and **MAP-CREATE**, `**NOT BOLD`");
    CHECK(ids == std::set<std::string>{"IP-TFO-END", "MAP-CREATE"});
}

TEST_CASE("rules_markdown lists every id, each once as a table row") {
    const std::string md = rules_markdown();
    REQUIRE_FALSE(md.empty());
    for (const auto& info : all_rules()) {
        CAPTURE(info.id);
        const std::string cell = "| `" + std::string{info.id} + "` |";
        const auto at = md.find(cell);
        CHECK_MESSAGE(at != std::string::npos, "rules_markdown lacks a row for ", info.id);
        if (at != std::string::npos) CHECK(md.find(cell, at + 1) == std::string::npos);
    }
}
