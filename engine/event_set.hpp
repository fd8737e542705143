#pragma once

#include <cstddef>
#include <cstdint>

#include "engine/sim_time.hpp"

namespace drsim::engine {

// One pending event as the event set sees it: 16 bytes, so that a 4-ary heap's four children fill
// exactly one 64-byte cache line. The event's action lives in the Simulator's slot pool.
struct EventEntry {
  SimTime time = 0;
  // Unique per entry; orders entries of equal time. The Simulator stores its scheduling counter in the
  // high bits (so the event scheduled first runs first) and its slot index in the low bits (so the
  // entry finds its action without more bytes). This tie-break is what makes runs deterministic:
  // without it the order of simultaneous events would depend on the heap's internal layout.
  std::uint64_t sequence = 0;
};
static_assert(sizeof(EventEntry) == 16, "heap entries must stay small: the action lives elsewhere");

// The (time, sequence) pair as one signed 128-bit number, time * 2^64 + sequence, so that comparing
// two entries is one branch-free compare (cmp/sbb). The order of random times is unpredictable, and
// with a short-circuit `||` mispredicted branches dominated the heap's cost. Built by placing the bit
// patterns side by side rather than by multiplying, which GCC compiles poorly. __extension__ keeps
// -Wpedantic quiet about the GCC/Clang built-in types.
__extension__ using EventOrderKey = __int128;
__extension__ using EventOrderBits = unsigned __int128;

constexpr EventOrderKey order_key(const EventEntry& entry) noexcept {
  const EventOrderBits bits =
      (static_cast<EventOrderBits>(static_cast<std::uint64_t>(entry.time)) << 64) | entry.sequence;
  return static_cast<EventOrderKey>(bits);  // two's complement: the sign is time's sign
}

// Returns true when `a` runs before `b`: ordered by (time, sequence).
constexpr bool runs_before(const EventEntry& a, const EventEntry& b) noexcept {
  return order_key(a) < order_key(b);
}

// A priority queue of EventEntry ordered by runs_before. Implementations may differ in structure
// (heap, calendar queue, ...) but must give exactly this order; tests/unit/test_event_set.cpp runs one
// suite against each of them.
class EventSet {
public:
  virtual ~EventSet() = default;

  // Adds `entry`; its sequence must differ from every entry in the set.
  virtual void push(const EventEntry& entry) = 0;
  // Removes and returns the earliest entry; the set must not be empty.
  virtual EventEntry pop_min() = 0;
  // Returns the earliest entry without removing it; the set must not be empty. The reference is valid
  // until the next push or pop.
  virtual const EventEntry& peek_min() const = 0;
  // Returns the number of entries held.
  virtual std::size_t size() const = 0;
  // Returns true when no entry is held.
  bool empty() const { return size() == 0; }
};

}  // namespace drsim::engine
