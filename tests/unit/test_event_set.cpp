// One suite for every EventSet implementation: add a type to kEventSetTypes to have it checked.
#include <doctest/doctest.h>

#include <algorithm>
#include <cstdint>
#include <limits>
#include <memory>
#include <set>
#include <type_traits>
#include <utility>
#include <vector>

#include "engine/dary_heap_event_set.hpp"
#include "engine/event_set.hpp"
#include "engine/random_streams.hpp"

using drsim::engine::DefaultEventSet;
using drsim::engine::DaryHeapEventSet;
using drsim::engine::EventEntry;
using drsim::engine::RandomStream;
using drsim::engine::SimTime;

#define DRSIM_EVENT_SET_TYPES DaryHeapEventSet<2>, DaryHeapEventSet<4>

namespace {

std::vector<EventEntry> drain(drsim::engine::EventSet& set) {
  std::vector<EventEntry> popped;
  while (!set.empty()) {
    popped.push_back(set.pop_min());
  }
  return popped;
}

}  // namespace

TEST_CASE("the default event set is one of the tested implementations") {
  CHECK(std::is_same_v<DefaultEventSet, DaryHeapEventSet<4>>);
}

TEST_CASE_TEMPLATE("a new event set is empty", Set, DRSIM_EVENT_SET_TYPES) {
  Set set;
  CHECK(set.empty());
  CHECK(set.size() == 0);
}

TEST_CASE_TEMPLATE("entries come out ordered by time", Set, DRSIM_EVENT_SET_TYPES) {
  Set set;
  const std::vector<SimTime> times = {50, 10, 40, 0, 30, 20, 70, 60, 5, 15, 25};
  std::uint64_t sequence = 0;
  for (const SimTime time : times) {
    set.push(EventEntry{time, sequence});
    ++sequence;
  }
  CHECK(set.size() == times.size());
  CHECK(!set.empty());
  CHECK(set.peek_min().time == 0);

  const std::vector<EventEntry> popped = drain(set);
  REQUIRE(popped.size() == times.size());
  const std::vector<SimTime> expected = {0, 5, 10, 15, 20, 25, 30, 40, 50, 60, 70};
  for (std::size_t i = 0; i < popped.size(); ++i) {
    CHECK(popped[i].time == expected[i]);
    // The sequence travels with its entry.
    CHECK(times[popped[i].sequence] == popped[i].time);
  }
  CHECK(set.empty());
}

TEST_CASE_TEMPLATE("equal times come out in sequence (insertion) order", Set, DRSIM_EVENT_SET_TYPES) {
  Set set;
  // Interleave three times so that ties are spread over the whole heap, not pushed consecutively.
  for (std::uint64_t sequence = 0; sequence < 60; ++sequence) {
    set.push(EventEntry{static_cast<SimTime>((sequence * 7) % 3), sequence});
  }
  const std::vector<EventEntry> popped = drain(set);
  REQUIRE(popped.size() == 60);
  for (std::size_t i = 1; i < popped.size(); ++i) {
    const bool ordered = popped[i - 1].time < popped[i].time ||
                         (popped[i - 1].time == popped[i].time && popped[i - 1].sequence < popped[i].sequence);
    CHECK(ordered);
  }
}

TEST_CASE_TEMPLATE("the tie-break is the sequence number, not the moment of the push", Set,
                   DRSIM_EVENT_SET_TYPES) {
  Set set;
  set.push(EventEntry{10, 9});
  set.push(EventEntry{10, 3});
  set.push(EventEntry{10, 5});
  CHECK(set.pop_min().sequence == 3);
  CHECK(set.pop_min().sequence == 5);
  CHECK(set.pop_min().sequence == 9);
}

TEST_CASE_TEMPLATE("negative and extreme times and sequences keep their order", Set, DRSIM_EVENT_SET_TYPES) {
  constexpr SimTime kMin = std::numeric_limits<SimTime>::min();
  constexpr SimTime kMax = std::numeric_limits<SimTime>::max();
  constexpr std::uint64_t kTop = std::numeric_limits<std::uint64_t>::max();
  Set set;
  set.push(EventEntry{kMax, 0});
  set.push(EventEntry{0, kTop});
  set.push(EventEntry{-1, 5});
  set.push(EventEntry{kMin, kTop});
  set.push(EventEntry{0, 1});
  set.push(EventEntry{kMin, 0});
  const std::vector<EventEntry> popped = drain(set);
  REQUIRE(popped.size() == 6);
  CHECK((popped[0].time == kMin && popped[0].sequence == 0));
  CHECK((popped[1].time == kMin && popped[1].sequence == kTop));
  CHECK((popped[2].time == -1 && popped[2].sequence == 5));
  CHECK((popped[3].time == 0 && popped[3].sequence == 1));
  CHECK((popped[4].time == 0 && popped[4].sequence == kTop));
  CHECK((popped[5].time == kMax && popped[5].sequence == 0));
}

TEST_CASE_TEMPLATE("peek_min shows what pop_min removes", Set, DRSIM_EVENT_SET_TYPES) {
  Set set;
  set.push(EventEntry{20, 7});
  set.push(EventEntry{10, 8});
  CHECK(set.peek_min().sequence == 8);
  CHECK(set.size() == 2);
  const EventEntry first = set.pop_min();
  CHECK(first.sequence == 8);
  CHECK(first.time == 10);
  CHECK(set.size() == 1);
  CHECK(set.peek_min().sequence == 7);
}

TEST_CASE_TEMPLATE("randomised push/pop agrees with a std::multiset reference", Set, DRSIM_EVENT_SET_TYPES) {
  Set set;
  std::multiset<std::pair<SimTime, std::uint64_t>> reference;
  RandomStream random(0x5eed'0001);
  std::uint64_t sequence = 0;
  std::size_t largest = 0;
  std::size_t times_emptied = 0;
  constexpr int kOperations = 200'000;
  for (int operation = 0; operation < kOperations; ++operation) {
    // Four phases: grow, shrink, grow, shrink — so the set is large at times and empty at times.
    const bool growing = (operation / (kOperations / 4)) % 2 == 0;
    const double push_probability = growing ? 0.7 : 0.3;
    if (reference.empty() || random.uniform01() < push_probability) {
      // A narrow time range makes ties frequent.
      const SimTime time = random.uniform_int(0, 2'000);
      set.push(EventEntry{time, sequence});
      reference.emplace(time, sequence);
      ++sequence;
    } else {
      const auto expected = *reference.begin();
      reference.erase(reference.begin());
      const EventEntry popped = set.pop_min();
      REQUIRE(popped.time == expected.first);
      REQUIRE(popped.sequence == expected.second);
      if (reference.empty()) {
        ++times_emptied;
      }
    }
    REQUIRE(set.size() == reference.size());
    if (!reference.empty()) {
      REQUIRE(set.peek_min().time == reference.begin()->first);
      REQUIRE(set.peek_min().sequence == reference.begin()->second);
    }
    largest = std::max(largest, reference.size());
  }
  // The test only means something if it reached both a large and an empty set.
  CHECK(largest > 10'000);
  CHECK(times_emptied > 0);
  for (const auto& expected : reference) {
    const EventEntry popped = set.pop_min();
    REQUIRE(popped.time == expected.first);
    REQUIRE(popped.sequence == expected.second);
  }
  CHECK(set.empty());
}
