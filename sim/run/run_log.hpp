#pragma once
// What a run checked: one result per expectation (and per refusal no expect_error planned).
#include <string>
#include <string_view>

#include "sim/log/log_record.hpp"

namespace drsim {

struct ExpectationResult {
    Millis time = 0;
    bool ok = false;
    std::string check;     ///< what was checked ("web1 test ip", "expect_error on failover web1")
    std::string expected;
    std::string found;
    int line = 0;
    int column = 0;
    /// An operation refused without `expect_error` (SPEC §9): `check` names the operation and its
    /// target, `rule` the refusing rule, `found` the detail. A failure unless `allow_refusals`.
    bool unexpected_refusal = false;
    std::string_view rule;  ///< static text (the catalogue's id)
};

}  // namespace drsim
