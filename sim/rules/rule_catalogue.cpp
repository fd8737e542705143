#include "sim/rules/rule_catalogue.hpp"

#include <array>

namespace drsim {

namespace {
constexpr std::array kRules = {
#define DRSIM_RULE_INFO(name, id, section, origin, summary) RuleInfo{Rule::name, id, section, origin, summary},
    DRSIM_RULES(DRSIM_RULE_INFO)
#undef DRSIM_RULE_INFO
};
}  // namespace

std::span<const RuleInfo> all_rules() { return kRules; }

std::string_view rule_id(Rule rule) { return kRules[static_cast<std::size_t>(rule)].id; }

std::optional<Rule> find_rule(std::string_view id) {
    for (const auto& info : kRules)
        if (info.id == id) return info.rule;
    return std::nullopt;
}

}  // namespace drsim
