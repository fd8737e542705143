#include <doctest/doctest.h>

#include <array>
#include <cstdint>
#include <limits>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "engine/action.hpp"
#include "engine/dary_heap_event_set.hpp"
#include "engine/random_streams.hpp"
#include "engine/sim_time.hpp"
#include "engine/simulator.hpp"

using drsim::engine::Action;
using drsim::engine::DaryHeapEventSet;
using drsim::engine::EventId;
using drsim::engine::RandomStream;
using drsim::engine::SimTime;
using drsim::engine::Simulator;

TEST_SUITE("sim_time") {
  TEST_CASE("format_duration prints compact exact forms") {
    using namespace drsim::engine;
    CHECK(format_duration(0) == "0s");
    CHECK(format_duration(250) == "250ms");
    CHECK(format_duration(kSecond) == "1s");
    CHECK(format_duration(90 * kSecond) == "1m30s");
    CHECK(format_duration(kHour + 30 * kMinute) == "1h30m");
    CHECK(format_duration(2 * kDay + 3 * kHour) == "2d3h");
    CHECK(format_duration(1500) == "1s500ms");
    CHECK(format_duration(kDay + 1) == "1d1ms");
    CHECK(format_duration(-5 * kSecond) == "-5s");
    CHECK(format_duration(std::numeric_limits<SimTime>::min()) == "-106751991167d7h12m55s808ms");
  }

  TEST_CASE("the time units are milliseconds") {
    using namespace drsim::engine;
    CHECK(kSecond == 1000);
    CHECK(kMinute == 60'000);
    CHECK(kHour == 3'600'000);
    CHECK(kDay == 86'400'000);
  }
}

TEST_SUITE("action") {
  TEST_CASE("an action holds small and large callables and moves them") {
    int calls = 0;
    Action small = [&calls] { ++calls; };
    std::array<std::int64_t, 16> big{};  // 128 bytes: stored on the heap
    big[15] = 5;
    Action large = [&calls, big] { calls += static_cast<int>(big[15]); };
    CHECK(static_cast<bool>(small));
    small();
    large();
    CHECK(calls == 6);
    Action moved = std::move(large);
    CHECK(!large);  // NOLINT(bugprone-use-after-move): checking the moved-from state on purpose
    moved();
    CHECK(calls == 11);
    CHECK(!Action{});
  }

  TEST_CASE("an action destroys its captures exactly once") {
    auto token = std::make_shared<int>(0);
    {
      Action first = [token] { ++*token; };
      CHECK(token.use_count() == 2);
      Action second = std::move(first);
      CHECK(token.use_count() == 2);
      second();
      CHECK(*token == 1);
      first = std::move(second);
      CHECK(token.use_count() == 2);
    }
    CHECK(token.use_count() == 1);
  }

  TEST_CASE("an action accepts move-only captures") {
    auto owned = std::make_unique<int>(41);
    int seen = 0;
    Action action = [owned = std::move(owned), &seen] { seen = *owned + 1; };
    Action moved = std::move(action);
    moved();
    CHECK(seen == 42);
  }
}

TEST_SUITE("simulator") {
  TEST_CASE("an empty simulator has nothing to do") {
    Simulator sim;
    CHECK(sim.now() == 0);
    CHECK(sim.pending() == 0);
    CHECK(sim.executed() == 0);
    CHECK(!sim.next_time().has_value());
    CHECK(!sim.step());
    sim.run();
    CHECK(sim.now() == 0);
    CHECK(sim.executed() == 0);
  }

  TEST_CASE("events run in time order and now() advances to each event's time") {
    Simulator sim;
    std::vector<std::pair<SimTime, int>> log;
    sim.schedule_at(30, [&] { log.emplace_back(sim.now(), 30); });
    sim.schedule_at(10, [&] { log.emplace_back(sim.now(), 10); });
    sim.schedule_at(20, [&] { log.emplace_back(sim.now(), 20); });
    CHECK(sim.pending() == 3);
    CHECK(sim.next_time() == 10);
    CHECK(sim.step());
    CHECK(sim.now() == 10);
    CHECK(sim.executed() == 1);
    sim.run();
    const std::vector<std::pair<SimTime, int>> expected = {{10, 10}, {20, 20}, {30, 30}};
    CHECK(log == expected);
    CHECK(sim.now() == 30);
    CHECK(sim.executed() == 3);
    CHECK(sim.pending() == 0);
  }

  TEST_CASE("events at the same time run in the order they were scheduled") {
    Simulator sim;
    std::vector<int> log;
    for (int i = 0; i < 50; ++i) {
      // Mix in other times so that the ties do not sit next to each other in the heap.
      sim.schedule_at(i % 2 == 0 ? 100 : 100 + i, [&log, i] { log.push_back(i); });
    }
    sim.run();
    REQUIRE(log.size() == 50);
    std::vector<int> at_100;
    for (int i = 0; i < 25; ++i) {
      at_100.push_back(log[static_cast<std::size_t>(i)]);
    }
    std::vector<int> expected;
    for (int i = 0; i < 50; i += 2) {
      expected.push_back(i);
    }
    CHECK(at_100 == expected);
  }

  TEST_CASE("schedule_in is relative to now()") {
    Simulator sim;
    SimTime ran_at = -1;
    sim.schedule_at(100, [&] { sim.schedule_in(25, [&] { ran_at = sim.now(); }); });
    sim.run();
    CHECK(ran_at == 125);
  }

  TEST_CASE("a cancelled event does not run and is not pending") {
    Simulator sim;
    bool ran = false;
    const EventId id = sim.schedule_at(10, [&] { ran = true; });
    sim.schedule_at(20, [] {});
    CHECK(sim.cancel(id));
    CHECK(sim.pending() == 1);
    CHECK(!sim.cancel(id));  // already cancelled
    sim.run();
    CHECK(!ran);
    CHECK(sim.executed() == 1);
    CHECK(sim.now() == 20);
  }

  TEST_CASE("cancel returns false for an event that already ran, and for unknown ids") {
    Simulator sim;
    const EventId id = sim.schedule_at(10, [] {});
    sim.run();
    CHECK(!sim.cancel(id));
    CHECK(!sim.cancel(EventId{}));
    CHECK(!sim.cancel(EventId{0xffff'ffff'0000'0000ULL | 12345}));
    CHECK(id != EventId{});
  }

  TEST_CASE("a stale id cannot cancel the event that reuses its slot") {
    Simulator sim;
    int runs = 0;
    const EventId cancelled = sim.schedule_at(10, [] {});
    CHECK(sim.cancel(cancelled));
    // Drain the cancelled entry so its slot is certainly free, then reuse it.
    CHECK(!sim.step());
    const EventId reuser = sim.schedule_at(20, [&] { ++runs; });
    CHECK(reuser != cancelled);
    CHECK(!sim.cancel(cancelled));

    const EventId ran = sim.schedule_at(15, [] {});
    CHECK(sim.step());  // runs `ran`, freeing its slot
    const EventId reuser2 = sim.schedule_at(30, [&] { ++runs; });
    CHECK(!sim.cancel(ran));
    CHECK(sim.pending() == 2);
    sim.run();
    CHECK(runs == 2);
    CHECK(!sim.cancel(reuser2));
  }

  TEST_CASE("cancel destroys the action's captures at once") {
    Simulator sim;
    auto token = std::make_shared<int>(0);
    const EventId id = sim.schedule_at(10, [token] {});
    CHECK(token.use_count() == 2);
    CHECK(sim.cancel(id));
    CHECK(token.use_count() == 1);
  }

  TEST_CASE("an action can schedule at the current time: it runs after the current one, in order") {
    Simulator sim;
    std::vector<std::string> log;
    sim.schedule_at(5, [&] {
      log.emplace_back("a");
      sim.schedule_in(0, [&] { log.emplace_back("a1"); });
      sim.schedule_at(sim.now(), [&] { log.emplace_back("a2"); });
      sim.schedule_in(1, [&] { log.emplace_back("a3"); });
    });
    sim.schedule_at(5, [&] { log.emplace_back("b"); });
    sim.schedule_at(6, [&] { log.emplace_back("c"); });
    sim.run();
    // Within a time, scheduling order decides: b was scheduled before a1 and a2, and c before a3.
    const std::vector<std::string> expected = {"a", "b", "a1", "a2", "c", "a3"};
    CHECK(log == expected);
  }

  TEST_CASE("an action can cancel other events, and cannot cancel itself") {
    Simulator sim;
    std::vector<int> log;
    EventId self;
    EventId victim_same_time;
    EventId victim_later;
    self = sim.schedule_at(10, [&] {
      log.push_back(1);
      CHECK(!sim.cancel(self));  // it is running: too late
      CHECK(sim.cancel(victim_same_time));
      CHECK(sim.cancel(victim_later));
      CHECK(sim.pending() == 1);
    });
    victim_same_time = sim.schedule_at(10, [&] { log.push_back(2); });
    victim_later = sim.schedule_at(50, [&] { log.push_back(3); });
    sim.schedule_at(60, [&] { log.push_back(4); });
    sim.run();
    const std::vector<int> expected = {1, 4};
    CHECK(log == expected);
    CHECK(sim.executed() == 2);
  }

  TEST_CASE("run_until runs events up to and including the limit, then moves now() to it") {
    Simulator sim;
    std::vector<SimTime> log;
    for (const SimTime time : {10, 20, 30}) {
      sim.schedule_at(time, [&] { log.push_back(sim.now()); });
    }
    sim.schedule_at(15, [&] { sim.schedule_at(18, [&] { log.push_back(sim.now()); }); });
    sim.run_until(20);
    CHECK(log == std::vector<SimTime>{10, 18, 20});
    CHECK(sim.now() == 20);
    sim.run_until(25);
    CHECK(sim.now() == 25);
    CHECK(sim.pending() == 1);
    CHECK(sim.next_time() == 30);
    sim.run_until(5);  // a limit in the past changes nothing
    CHECK(sim.now() == 25);
    CHECK(sim.pending() == 1);
    sim.schedule_in(0, [&] { log.push_back(sim.now()); });  // scheduling at the new now() is allowed
    sim.run_until(100);
    CHECK(log == std::vector<SimTime>{10, 18, 20, 25, 30});
    CHECK(sim.now() == 100);
  }

  TEST_CASE("pending() and next_time() stay exact with cancelled entries in the queue") {
    Simulator sim;
    const EventId at10 = sim.schedule_at(10, [] {});
    const EventId at20 = sim.schedule_at(20, [] {});
    const EventId at30 = sim.schedule_at(30, [] {});
    CHECK(sim.cancel(at10));
    CHECK(sim.pending() == 2);
    CHECK(sim.next_time() == 20);
    CHECK(sim.cancel(at30));
    CHECK(sim.pending() == 1);
    CHECK(sim.next_time() == 20);
    CHECK(sim.cancel(at20));
    CHECK(sim.pending() == 0);
    CHECK(!sim.next_time().has_value());
    CHECK(!sim.step());
    CHECK(sim.executed() == 0);
    CHECK(sim.now() == 0);  // skipping cancelled entries does not move the clock
  }

  TEST_CASE("a simulator accepts another event set implementation") {
    Simulator sim(std::make_unique<DaryHeapEventSet<2>>());
    std::vector<int> log;
    sim.schedule_at(2, [&] { log.push_back(2); });
    sim.schedule_at(1, [&] { log.push_back(1); });
    sim.run();
    CHECK(log == std::vector<int>{1, 2});
  }
}

namespace {

// Drives a Simulator and a reference (a std::set of (time, scheduling order)) with the same random
// schedule/cancel/step operations. Actions themselves schedule further events, sometimes at now().
struct ReferenceHarness {
  explicit ReferenceHarness(std::unique_ptr<drsim::engine::EventSet> set) : sim(std::move(set)) {}

  Simulator sim;
  RandomStream random{0x5eed'0002};
  std::set<std::pair<SimTime, std::uint64_t>> pending;  // (time, order): order == scheduling order
  std::vector<EventId> ids;                              // by order; includes long-gone events
  std::vector<SimTime> times;                            // by order
  std::vector<std::uint64_t> ran;                        // orders, as run

  void schedule(SimTime when) {
    const std::uint64_t order = ids.size();
    ids.push_back(sim.schedule_at(when, [this, order] { on_run(order); }));
    times.push_back(when);
    pending.emplace(when, order);
  }

  void on_run(std::uint64_t order) {
    ran.push_back(order);
    if (random.uniform01() < 0.3) {
      schedule(sim.now() + random.uniform_int(0, 3));
    }
  }
};

}  // namespace

namespace {

void check_against_reference(std::unique_ptr<drsim::engine::EventSet> set) {
  ReferenceHarness harness(std::move(set));
  Simulator& sim = harness.sim;
  RandomStream& random = harness.random;
  std::uint64_t cancels_true = 0;
  std::uint64_t cancels_false = 0;
  for (int operation = 0; operation < 100'000; ++operation) {
    const double choice = random.uniform01();
    if (choice < 0.4) {
      harness.schedule(sim.now() + random.uniform_int(0, 50));
    } else if (choice < 0.6 && !harness.ids.empty()) {
      const auto order = static_cast<std::uint64_t>(
          random.uniform_int(0, static_cast<std::int64_t>(harness.ids.size()) - 1));
      const bool expected = harness.pending.erase({harness.times[order], order}) == 1;
      const bool cancelled = sim.cancel(harness.ids[order]);
      REQUIRE(cancelled == expected);
      ++(cancelled ? cancels_true : cancels_false);
    } else {
      if (harness.pending.empty()) {
        REQUIRE(!sim.step());
      } else {
        const auto expected = *harness.pending.begin();
        harness.pending.erase(harness.pending.begin());
        REQUIRE(sim.step());
        REQUIRE(harness.ran.back() == expected.second);
        REQUIRE(sim.now() == expected.first);
      }
    }
    REQUIRE(sim.pending() == harness.pending.size());
    if (harness.pending.empty()) {
      REQUIRE(!sim.next_time().has_value());
    } else {
      REQUIRE(sim.next_time() == harness.pending.begin()->first);
    }
  }
  REQUIRE(sim.executed() == harness.ran.size());
  // Both outcomes of cancel must have been exercised for the comparison to mean anything.
  CHECK(cancels_true > 1'000);
  CHECK(cancels_false > 1'000);
  CHECK(harness.ran.size() > 10'000);
}

}  // namespace

TEST_CASE("randomised schedule/cancel/step agrees with a std::set reference: default heap") {
  // The default heap is called directly by the Simulator ...
  check_against_reference(std::make_unique<drsim::engine::DefaultEventSet>());
}

TEST_CASE("randomised schedule/cancel/step agrees with a std::set reference: other event set") {
  // ... any other event set through the EventSet interface.
  check_against_reference(std::make_unique<DaryHeapEventSet<2>>());
}
