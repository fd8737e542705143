#pragma once
// A decision is data: the rule that made a choice (or refused, or warned) and the inputs it used, as
// a Text of typed arguments rendered when an output is written.
#include <vector>

#include "sim/log/text.hpp"
#include "sim/rules/rule_catalogue.hpp"

namespace drsim {

struct Decision {
    Text detail;
    Rule rule{};
    bool warning = false;

    Decision() = default;
    Decision(Rule r, Text d, bool w = false) : detail(d), rule(r), warning(w) {}
};

using Decisions = std::vector<Decision>;

}  // namespace drsim
