#pragma once

#include <cassert>
#include <cstddef>
#include <cstring>
#include <memory>
#include <new>
#include <utility>

#include "engine/event_set.hpp"

namespace drsim::engine {

// An implicit d-ary min-heap of EventEntry in one contiguous array: the children of node i are
// Arity*i+1 .. Arity*i+Arity. Push and pop are O(log n); entries are moved into a "hole" rather than
// swapped.
//
// Laid out for the cache: the buffer is 64-byte aligned and the root sits Arity-1 entries into it, so
// every family of Arity siblings starts at a multiple of its own size and never straddles a line; with
// Arity 4 and 16-byte entries a family is exactly one line, so each level of a pop costs at most one
// cache miss (and the descent prefetches the next level's families one step ahead).
template <std::size_t Arity>
class DaryHeapEventSet final : public EventSet {
  static_assert(Arity >= 2, "a heap needs at least two children per node");

public:
  DaryHeapEventSet() = default;

  // Adds `entry`. O(log n); amortised O(1) growth of the array.
  void push(const EventEntry& entry) override {
    if (size_ == capacity_) {
      grow();
    }
    ++size_;
    sift_up(size_ - 1, entry);
  }

  // Removes and returns the earliest entry; the set must not be empty. O(log n).
  EventEntry pop_min() override {
    assert(size_ > 0 && "pop_min on an empty event set");
    EventEntry* const data = entries();
    const EventEntry top = data[0];
    --size_;
    if (size_ > 0) {
      sift_down_from_root(data[size_]);
    }
    return top;
  }

  // Returns the earliest entry; the set must not be empty. O(1).
  const EventEntry& peek_min() const override {
    assert(size_ > 0 && "peek_min on an empty event set");
    return entries()[0];
  }

  // Returns the number of entries held. O(1).
  std::size_t size() const override { return size_; }

  // The entries in heap order (the root first, then its Arity children, ...), for a caller that
  // wants to look ahead (the simulator prefetches what the next events will touch). size() of them.
  const EventEntry* heap_order() const { return entries(); }

private:
  static constexpr std::size_t kCacheLine = 64;
  // Entries before the root, so that the first family (index 1) starts on a line boundary.
  static constexpr std::size_t kLead = Arity - 1;
  // Entries from which sift_down prefetches the next level: 2,048 entries are 32 KiB, a first-level cache.
  static constexpr std::size_t kPrefetchFrom = 2048;

  struct AlignedDelete {
    void operator()(EventEntry* buffer) const { ::operator delete(buffer, std::align_val_t{kCacheLine}); }
  };

  EventEntry* entries() { return buffer_.get() + kLead; }
  const EventEntry* entries() const { return buffer_.get() + kLead; }

  void grow() {
    const std::size_t capacity = capacity_ == 0 ? 1024 : capacity_ * 2;
    std::unique_ptr<EventEntry[], AlignedDelete> buffer(static_cast<EventEntry*>(
        ::operator new((capacity + kLead) * sizeof(EventEntry), std::align_val_t{kCacheLine})));
    if (size_ > 0) {
      std::memcpy(buffer.get() + kLead, entries(), size_ * sizeof(EventEntry));
    }
    buffer_ = std::move(buffer);
    capacity_ = capacity;
  }

  // Moves the hole at `hole` up until `moving` fits there, then stores it.
  void sift_up(std::size_t hole, const EventEntry& moving) {
    EventEntry* const data = entries();
    const EventOrderKey key = order_key(moving);
    while (hole > 0) {
      const std::size_t parent = (hole - 1) / Arity;
      if (!(key < order_key(data[parent]))) {
        break;
      }
      data[hole] = data[parent];
      hole = parent;
    }
    data[hole] = moving;
  }

  // Places `moving` starting from a hole at the root. Bottom-up (Floyd): the hole first sinks along the
  // path of smallest children to a leaf without comparing against `moving`, then `moving` rises from
  // there. `moving` is the old last leaf, which almost always belongs near the bottom, so this saves
  // about one comparison per level against the textbook top-down sift.
  void sift_down_from_root(const EventEntry moving) {
    EventEntry* const data = entries();
    const std::size_t count = size_;
    std::size_t hole = 0;
    // A heap that fits in the first-level cache has no miss to hide: prefetching there only costs
    // instructions (twenty per pop of a 4-ary heap of 1,000).
    const bool prefetch = count > kPrefetchFrom;
    // Full families: every level but possibly the last.
    for (std::size_t first = 1; first + Arity <= count; first = hole * Arity + 1) {
      // The families of all Arity children are adjacent: fetch them while this level is compared, so
      // that the next level's cache miss overlaps this one's work. (A prefetch never faults, so
      // addresses past the end are harmless.)
      if (prefetch) {
        const char* const next_level = reinterpret_cast<const char*>(data + first * Arity + 1);
        for (std::size_t line = 0; line < Arity * Arity * sizeof(EventEntry); line += kCacheLine) {
          __builtin_prefetch(next_level + line);
        }
      }
      const std::size_t best = earliest_of<Arity>(data, first);
      data[hole] = data[best];
      hole = best;
    }
    // A last, partial family.
    if (const std::size_t first = hole * Arity + 1; first < count) {
      std::size_t best = first;
      for (std::size_t child = first + 1; child < count; ++child) {
        best = earlier_index(data, best, child);
      }
      data[hole] = data[best];
      hole = best;
    }
    sift_up(hole, moving);
  }

  // Returns whichever of positions `a` and `b` holds the earlier entry. Arithmetic rather than `?:`
  // so that the compiler cannot turn it back into a jump: which child is smallest is a coin toss, and
  // mispredicted jumps here were two thirds of all mispredictions in the hold benchmark.
  static std::size_t earlier_index(const EventEntry* data, std::size_t a, std::size_t b) {
    const std::size_t b_first = runs_before(data[b], data[a]) ? 1 : 0;
    return a + (b - a) * b_first;
  }

  // Returns the position of the earliest of the `Count` entries from `first`, as a tournament: its
  // depth is log2(Count) compares rather than a chain of Count - 1.
  template <std::size_t Count>
  static std::size_t earliest_of(const EventEntry* data, std::size_t first) {
    if constexpr (Count == 1) {
      return first;
    } else {
      constexpr std::size_t kHalf = Count / 2;
      return earlier_index(data, earliest_of<kHalf>(data, first),
                           earliest_of<Count - kHalf>(data, first + kHalf));
    }
  }

  std::unique_ptr<EventEntry[], AlignedDelete> buffer_;
  std::size_t size_ = 0;
  std::size_t capacity_ = 0;
};

extern template class DaryHeapEventSet<2>;
extern template class DaryHeapEventSet<4>;

// The binary heap, and the default event set: a 4-ary heap. Measured with tests/bench/bench_hold.cpp (Release,
// 16-byte entries, both called through the EventSet interface): 4-ary beat binary by 1.1-1.4x at
// 10^5-10^6 pending events, and 8-ary was slower than both, because a family of four is exactly one
// cache line and the tree is half as deep as a binary one. DaryHeapEventSet<2> is kept as a second
// implementation that the event-set test suite also runs against.
using BinaryHeapEventSet = DaryHeapEventSet<2>;
using DefaultEventSet = DaryHeapEventSet<4>;

}  // namespace drsim::engine
