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

using drsim::engine::AdaptiveHeapEventSet;
using drsim::engine::DefaultEventSet;
using drsim::engine::DaryHeapEventSet;
using drsim::engine::EventEntry;
using drsim::engine::RandomStream;
using drsim::engine::SimTime;

#define DRSIM_EVENT_SET_TYPES DaryHeapEventSet<2>, DaryHeapEventSet<4>, AdaptiveHeapEventSet

namespace {

std::vector<EventEntry> drain(drsim::engine::EventSet& set) {
  std::vector<EventEntry> popped;
  while (!set.empty()) {
    popped.push_back(set.pop_min());
  }
  return popped;
}

using Reference = std::multiset<std::pair<SimTime, std::uint64_t>>;

// One random operation on `set` and `reference` alike: with probability `push_probability` (or when
// empty) a push at a time in [0, max_time], else a pop, checked against the reference.
void random_operation(drsim::engine::EventSet& set, Reference& reference, RandomStream& random, std::uint64_t& sequence,
                      double push_probability, SimTime max_time) {
  if (reference.empty() || random.uniform01() < push_probability) {
    const SimTime time = random.uniform_int(0, max_time);
    set.push(EventEntry{time, sequence});
    reference.emplace(time, sequence);
    ++sequence;
    return;
  }
  const auto expected = *reference.begin();
  reference.erase(reference.begin());
  const EventEntry popped = set.pop_min();
  REQUIRE(popped.time == expected.first);
  REQUIRE(popped.sequence == expected.second);
}

// Pops what is left, checking each entry against the reference, until the set is empty.
void pop_all_against(drsim::engine::EventSet& set, const Reference& reference) {
  for (const auto& expected : reference) {
    const EventEntry popped = set.pop_min();
    REQUIRE(popped.time == expected.first);
    REQUIRE(popped.sequence == expected.second);
  }
  CHECK(set.empty());
}

// The default set and its reference side by side: a push at a time, a pop checked against the reference.
struct CheckedSet {
  AdaptiveHeapEventSet set;
  Reference reference;
  std::uint64_t sequence = 0;

  void push(SimTime time) {
    set.push(EventEntry{time, sequence});
    reference.emplace(time, sequence);
    ++sequence;
  }
  EventEntry pop() {
    const auto expected = *reference.begin();
    reference.erase(reference.begin());
    const EventEntry popped = set.pop_min();
    REQUIRE(popped.time == expected.first);
    REQUIRE(popped.sequence == expected.second);
    return popped;
  }
};

}  // namespace

TEST_CASE("the default event set is one of the tested implementations") {
  CHECK(std::is_same_v<DefaultEventSet, AdaptiveHeapEventSet>);
}

TEST_CASE("randomised: the adaptive heap turns 4-ary and back many times and keeps the order") {
  // Small turning points, so that a few thousand operations cross them again and again; a narrow
  // time range makes ties (decided by sequence) frequent.
  AdaptiveHeapEventSet set(/*widen_above=*/64, /*narrow_below=*/16);
  Reference reference;
  RandomStream random(0x5eed'0002);
  std::uint64_t sequence = 0;
  int widened = 0, narrowed = 0;
  bool was_wide = false;
  for (int operation = 0; operation < 100'000; ++operation) {
    // Waves: 300 operations mostly pushing, then 300 mostly popping.
    const bool growing = (operation / 300) % 2 == 0;
    random_operation(set, reference, random, sequence, growing ? 0.8 : 0.2, 50);
    REQUIRE(set.size() == reference.size());
    if (!reference.empty()) REQUIRE(set.peek_min().sequence == reference.begin()->second);
    if (set.wide() != was_wide) (set.wide() ? widened : narrowed) += 1;
    was_wide = set.wide();
    // Where it turns: 4-ary above 64 entries in the heap, binary below 16, either in between.
    if (set.heap_size() > 64) REQUIRE(set.wide());
    if (set.heap_size() < 16) REQUIRE(!set.wide());
  }
  CHECK(widened > 10);
  CHECK(narrowed > 10);
}

TEST_CASE("randomised: runs of entries at one time go through the lane, in order with the heap's") {
  // An operation on many VMs: a run of entries at one time, pushed one after another, amid entries
  // at scattered times and pops; the lane must hold long runs and the order stay (time, sequence).
  AdaptiveHeapEventSet set(/*widen_above=*/256, /*narrow_below=*/64);
  Reference reference;
  RandomStream random(0x5eed'0003);
  std::uint64_t sequence = 0;
  std::size_t longest_lane = 0;
  for (int round = 0; round < 2'000; ++round) {
    if (random.uniform01() < 0.3) {
      const SimTime time = random.uniform_int(0, 3'000);
      for (SimTime k = 0, n = random.uniform_int(1, 500); k < n; ++k) {
        set.push(EventEntry{time, sequence});
        reference.emplace(time, sequence);
        ++sequence;
        // Now and then an entry at another time inside the run: the run goes on in the lane.
        if (random.uniform01() < 0.01) random_operation(set, reference, random, sequence, 1.0, 3'000);
      }
    }
    for (int k = 0, n = static_cast<int>(random.uniform_int(0, 300)); k < n; ++k)
      random_operation(set, reference, random, sequence, 0.4, 3'000);
    REQUIRE(set.size() == reference.size());
    if (!reference.empty()) REQUIRE(set.peek_min().sequence == reference.begin()->second);
    longest_lane = std::max(longest_lane, set.lane_size());
  }
  CHECK(longest_lane > 300);
  pop_all_against(set, reference);
}

TEST_CASE("a long run drains from the lane, moved to a smaller buffer on the way, while the next steps, at seven times, go to the second lane and the heap") {
  // Failovers of 20,000 VMs ending at one time, each scheduling a boot later; now and then another
  // entry joins the run. The lane moves its rest to a buffer of its own size as it drains.
  CheckedSet checked;
  for (int i = 0; i < 20'000; ++i) checked.push(1'000);
  CHECK(checked.set.lane_size() == 20'000);
  for (int i = 0; i < 25'000; ++i) {
    const EventEntry popped = checked.pop();
    checked.push(popped.time + 120 + i % 7);  // the boot, at one of seven times
    if (i % 1'000 == 0) checked.push(1'000);  // one more at the run's time
  }
  pop_all_against(checked.set, checked.reference);
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
  Reference reference;
  RandomStream random(0x5eed'0001);
  std::uint64_t sequence = 0;
  std::size_t largest = 0;
  std::size_t times_emptied = 0;
  constexpr int kOperations = 200'000;
  for (int operation = 0; operation < kOperations; ++operation) {
    // Four phases: grow, shrink, grow, shrink — so the set is large at times and empty at times.
    const bool growing = (operation / (kOperations / 4)) % 2 == 0;
    const bool was_empty = reference.empty();
    // A narrow time range makes ties frequent.
    random_operation(set, reference, random, sequence, growing ? 0.7 : 0.3, 2'000);
    if (reference.empty() && !was_empty) {
      ++times_emptied;
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
  pop_all_against(set, reference);
}

TEST_CASE("a run scheduled while a long run drains fills the second lane, not the heap, and takes the first's place") {
  // Failovers of 20,000 VMs ending at one time, each scheduling its VM's boot two minutes later: the
  // boots are a run of their own, at one time, arriving while the failovers' run drains.
  CheckedSet checked;
  AdaptiveHeapEventSet& set = checked.set;
  for (int i = 0; i < 20'000; ++i) checked.push(1'000);
  std::size_t most_in_heap = 0, most_in_second = 0;
  for (int ended = 0; ended < 20'000;) {
    const EventEntry popped = checked.pop();
    if (popped.time != 1'000) continue;  // a stray entry
    checked.push(popped.time + 120);
    if (ended % 5'000 == 0) checked.push(ended == 0 ? 500 : 5'000 + ended);  // now and then a stray, earlier or later
    ++ended;
    most_in_heap = std::max(most_in_heap, set.heap_size());
    most_in_second = std::max(most_in_second, set.second_lane_size());
  }
  // In the heap only the strays and the first boot, which a stray sent there from the second lane.
  CHECK(most_in_heap <= 5);
  CHECK(most_in_second > 19'000);
  CHECK(set.lane_size() >= 19'999);  // the boots' run, now the first
  CHECK(set.second_lane_size() == 0);
  pop_all_against(set, checked.reference);
}
