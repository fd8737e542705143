// LogRecord and RunLog (sim/log/log_record.hpp): a record gives back all it was made with, packed as it
// is; the log keeps records and their texts in place as it grows, a record with more texts than an
// arena chunk included.
#include <doctest/doctest.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "sim/log/log_record.hpp"

using namespace drsim;
using K = TextArg::Kind;

namespace {

// A record of `decisions` decisions, each saying its index, the odd ones warnings.
DraftRecord numbered_record(Millis time, std::uint32_t vm, std::size_t decisions) {
    Decisions ds;
    for (std::size_t i = 0; i < decisions; ++i)
        ds.push_back({Rule::AddrLowestFree, {"decision {}", arg::count(i)}, i % 2 == 1});
    DraftRecord d = make_record(time, "failover", arg::vm(vm), Phase::start, std::nullopt, {}, {"record of {}", arg::vm(vm)},
                                std::move(ds));
    d.record.event_index = static_cast<int>(vm);
    d.record.line = static_cast<int>(vm) + 1;
    return d;
}

void check_numbered(const LogRecord& r, Millis time, std::uint32_t vm, std::size_t decisions) {
    CHECK(r.time == time);
    CHECK(r.vm() == vm);
    CHECK(r.event_index == static_cast<int>(vm));
    CHECK(r.line == static_cast<int>(vm) + 1);
    CHECK(r.detail().arg(0).value == vm);
    REQUIRE(r.decisions().size() == decisions);
    for (std::size_t i = 0; i < decisions; ++i) {
        const Decision& d = r.decisions()[i];
        CHECK(d.detail().arg(0).value == i);
        CHECK(bool{d.warning} == (i % 2 == 1));
    }
}

}  // namespace

TEST_CASE("a record gives back its target, operation, phase, outcome, refusal, state and texts") {
    CHECK(sizeof(LogRecord) <= 56);
    RunLog log;
    TextTable table;
    const Decisions decisions{{Rule::IpTfoSame, {"{} keeps {}", arg::vm(4), arg::address(Ipv4Address{0x0a000004})}},
                              {Rule::TfoProductionNetwork, "a warning", true}};
    DraftRecord draft = make_record(-5, "test_failover", arg::vm(4), Phase::start, Rule::FoNeedsRecoveryPoint,
                                    {Rule::AddrSubnetFull, Rule::SiteDown}, {"refused: {}", arg::text("why", table)}, decisions);
    draft.record.event_index = 7;
    draft.record.line = 123456;
    draft.record.has_state = true;
    draft.record.state = ReplicationState::reprotecting;
    draft.record.degraded = true;
    draft.record.azure_after = 3;
    draft.record.instance = 2;
    draft.record.site = 1;
    draft.record.network = 0xfffffffe;
    draft.record.subnet = 9;
    draft.record.has_address = true;
    draft.record.address_value = 0xc0a80001;
    const LogRecord& r = log.push_back(std::move(draft));

    CHECK(r.time == -5);
    CHECK(r.op() == "test_failover");
    CHECK(r.target().kind == K::vm);
    CHECK(r.target().value == 4);
    CHECK(r.vm() == 4);
    CHECK(r.phase == Phase::instant);  // a refusal is instant
    CHECK(r.outcome == Outcome::refused);
    CHECK(r.refused_by() == Rule::FoNeedsRecoveryPoint);
    CHECK(r.also_refused_by() == std::vector<Rule>{Rule::AddrSubnetFull, Rule::SiteDown});
    CHECK(std::string{r.detail().format()} == "refused: {}");
    CHECK(table.at(r.detail().arg(0).value) == "why");
    REQUIRE(r.decisions().size() == 2);
    CHECK(r.decisions()[0].rule == Rule::IpTfoSame);
    CHECK(r.decisions()[0].detail().arg(1).value == 0x0a000004);
    CHECK(r.decisions()[1].rule == Rule::TfoProductionNetwork);
    CHECK(bool{r.decisions()[1].warning});
    CHECK(r.event_index == 7);
    CHECK(r.line == 123456);
    CHECK(r.state_after() == "reprotecting");
    CHECK(r.health_after() == "degraded");
    CHECK(r.azure_after == 3);
    CHECK(r.instance == 2);
    CHECK(r.site == 1);
    CHECK(r.network == 0xfffffffe);
    CHECK(r.subnet == 9);
    CHECK(r.address() == Ipv4Address{0xc0a80001});

    // A record of nothing much: no target, no refusal, no texts, no state; a warning makes its outcome.
    const LogRecord& plain = log.push_back(make_record(0, "reachability", {}, Phase::done, std::nullopt, {}, {}, {}));
    CHECK(plain.target().kind == K::none);
    CHECK(plain.vm() == 0xffffffffU);
    CHECK(plain.phase == Phase::done);
    CHECK(plain.outcome == Outcome::ok);
    CHECK_FALSE(plain.refused_by().has_value());
    CHECK(plain.also_refused_by().empty());
    CHECK(plain.detail().empty());
    CHECK(plain.decisions().empty());
    CHECK(plain.state_after().empty());
    CHECK_FALSE(plain.address().has_value());
    CHECK(plain.event_index == -1);
    const LogRecord& warned =
        log.push_back(make_record(1, "failover", arg::vm(0), Phase::start, std::nullopt, {}, {}, {{Rule::IpOverride, "w", true}}));
    CHECK(warned.outcome == Outcome::warning);
    CHECK(warned.phase == Phase::start);
    CHECK(log.size() == 3);
    CHECK(&log[0] == &r);
}

TEST_CASE("an operation's code gives back its name, whatever was asked before, and from any buffer") {
    const std::vector<std::string> names{"failover", "vm_boot", "commit", "failover", "failover", "reachability",
                                         "test_failover", "vm_boot", "planning", "enable_replication"};
    std::string buffer;  // one buffer rewritten with each name: same place, other bytes
    for (int round = 0; round < 2; ++round)
        for (const std::string& name : names) {
            buffer = name;
            const std::uint8_t code = op_code(buffer);
            CHECK(code != 0);
            CHECK(op_name_of(code) == name);
            CHECK(op_code(name) == code);
        }
    CHECK(op_code("commit") != op_code("failover"));
}

TEST_CASE("records and their texts stay in place as the log grows, a record larger than a chunk too") {
    // Sizes around the chunks (4,096 records, 16,384 texts): a record with more texts than a chunk gets
    // one of its own, and the records after it go on filling the chunk they were filling.
    RunLog log;
    std::vector<std::size_t> counts;
    std::vector<const LogRecord*> held;
    for (std::uint32_t i = 0; i < 10'000; ++i) {
        const std::size_t n = i == 5000 ? 40'000 : i == 5001 ? 16'383 : i % 7;
        counts.push_back(n);
        held.push_back(&log.push_back(numbered_record(i, i, n)));
    }
    REQUIRE(log.size() == counts.size());
    for (std::uint32_t i = 0; i < counts.size(); ++i) {
        CHECK(&log[i] == held[i]);
        check_numbered(log[i], i, i, counts[i]);
    }
    std::size_t seen = 0;
    for (const LogRecord& r : log) seen += r.decisions().size();
    std::size_t total = 0;
    for (std::size_t n : counts) total += n;
    CHECK(seen == total);
    RunLog moved = std::move(log);
    check_numbered(moved[5000], 5000, 5000, 40'000);
}
