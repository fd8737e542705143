#pragma once
// A decision is data: the rule that made a choice (or refused, or warned) and the inputs it used, as
// a Text of typed arguments rendered when an output is written. 16 bytes: its rule, its warning flag
// beside the 15-bit id of its text's form (TextForms), and the text's three values.
#include <vector>

#include "sim/log/text.hpp"
#include "sim/rules/rule_catalogue.hpp"

namespace drsim {

struct Decision {
    Rule rule{};
    bool warning : 1 = false;

    Decision() = default;
    Decision(Rule r, Text d, bool w = false) : rule(r), warning(w), form_(d.form_), values_(d.values_) {}

    /// What it says: the text it was made with.
    Text detail() const { return {form_, values_}; }

private:
    std::uint16_t form_ : 15 = 0;  ///< the text's form; an id below TextForms::kCapacity
    std::array<std::uint32_t, 3> values_{};
};

static_assert(sizeof(Text) == 16 && sizeof(Decision) == 16, "a million VMs make seven million of them");

using Decisions = std::vector<Decision>;

}  // namespace drsim
