#pragma once
// A decision is data: the rule that made a choice (or refused, or warned) and the inputs it used.
#include <string>
#include <vector>

#include "sim/rules/rule_catalogue.hpp"

namespace drsim {

struct Decision {
    Rule rule;
    std::string detail;
    bool warning = false;
};

using Decisions = std::vector<Decision>;

}  // namespace drsim
