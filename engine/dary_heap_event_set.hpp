#pragma once

#include <cassert>
#include <cstddef>
#include <cstring>
#include <memory>
#include <new>
#include <utility>
#include <vector>

#include "engine/event_set.hpp"

namespace drsim::engine {

// The array of an implicit d-ary min-heap of EventEntry and its operations for any arity: the
// children of node i are Arity*i+1 .. Arity*i+Arity. Push and pop are O(log n); entries are moved
// into a "hole" rather than swapped. One array serves arities 2 and 4 alike (heapify turns one into
// the other), which is what lets the default event set change arity as it grows.
//
// Laid out for the cache: the buffer is 64-byte aligned and the root sits three entries into it, so
// every family of 2 or of 4 siblings starts at a multiple of its own size and never straddles a line;
// with Arity 4 and 16-byte entries a family is exactly one line, so each level of a pop costs at most
// one cache miss (and the descent prefetches the next level's families one step ahead).
class HeapArray {
public:
  std::size_t size() const { return size_; }
  EventEntry* entries() { return buffer_.get() + kLead; }
  const EventEntry* entries() const { return buffer_.get() + kLead; }

  // Adds `entry`. O(log n); amortised O(1) growth of the array.
  template <std::size_t Arity>
  void push(const EventEntry& entry) {
    if (size_ == capacity_) {
      grow();
    }
    ++size_;
    sift_up<Arity>(size_ - 1, 0, entry);
  }

  // Removes and returns the earliest entry; the heap must not be empty. O(log n).
  template <std::size_t Arity>
  EventEntry pop_min() {
    assert(size_ > 0 && "pop_min on an empty event set");
    EventEntry* const data = entries();
    const EventEntry top = data[0];
    --size_;
    if (size_ > 0) {
      sift_down<Arity>(0, data[size_]);
    }
    return top;
  }

  // Reorders the entries into a heap of `Arity` (Floyd's construction, O(n)), whatever order they
  // were in.
  template <std::size_t Arity>
  void heapify() {
    if (size_ < 2) {
      return;
    }
    EventEntry* const data = entries();
    for (std::size_t i = (size_ - 2) / Arity + 1; i-- > 0;) {
      sift_down<Arity>(i, data[i]);
    }
  }

private:
  static constexpr std::size_t kCacheLine = 64;
  // Entries before the root, so that the first family (index 1) starts on a line boundary, and every
  // family of 2 or 4 on a multiple of its size.
  static constexpr std::size_t kLead = 3;
  // Entries from which sift_down prefetches the next level: 2,048 entries are 32 KiB, a first-level cache.
  static constexpr std::size_t kPrefetchFrom = 2048;

  struct AlignedDelete {
    void operator()(EventEntry* buffer) const { ::operator delete(buffer, std::align_val_t{kCacheLine}); }
  };

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

  // Moves the hole at `hole` up, but not above `top`, until `moving` fits there, then stores it.
  template <std::size_t Arity>
  void sift_up(std::size_t hole, std::size_t top, const EventEntry& moving) {
    EventEntry* const data = entries();
    const EventOrderKey key = order_key(moving);
    while (hole > top) {
      const std::size_t parent = (hole - 1) / Arity;
      if (!(key < order_key(data[parent]))) {
        break;
      }
      data[hole] = data[parent];
      hole = parent;
    }
    data[hole] = moving;
  }

  // Places `moving` in the subtree whose root `start` is a hole. Bottom-up (Floyd): the hole first
  // sinks along the path of smallest children to a leaf without comparing against `moving`, then
  // `moving` rises from there (no higher than `start`). `moving` is usually the old last leaf, which
  // almost always belongs near the bottom, so this saves about one comparison per level against the
  // textbook top-down sift.
  template <std::size_t Arity>
  void sift_down(std::size_t start, const EventEntry moving) {
    static_assert((kLead + 1) % Arity == 0, "families must start on a multiple of their size");
    EventEntry* const data = entries();
    const std::size_t count = size_;
    std::size_t hole = start;
    // A heap that fits in the first-level cache has no miss to hide: prefetching there only costs
    // instructions (twenty per pop of a 4-ary heap of 1,000).
    const bool prefetch = count > kPrefetchFrom;
    // Full families: every level but possibly the last.
    for (std::size_t first = hole * Arity + 1; first + Arity <= count; first = hole * Arity + 1) {
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
    sift_up<Arity>(hole, start, moving);
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

// A d-ary heap of one arity.
template <std::size_t Arity>
class DaryHeapEventSet final : public EventSet {
  static_assert(Arity == 2 || Arity == 4, "the heap array lays out families of 2 or 4");

public:
  void push(const EventEntry& entry) override { heap_.push<Arity>(entry); }
  EventEntry pop_min() override { return heap_.pop_min<Arity>(); }
  const EventEntry& peek_min() const override {
    assert(heap_.size() > 0 && "peek_min on an empty event set");
    return heap_.entries()[0];
  }
  std::size_t size() const override { return heap_.size(); }

private:
  HeapArray heap_;
};

// A run of entries at one time in first-in first-out order (their sequences rise): O(1) in and out.
class RunLane {
public:
  std::size_t size() const { return entries_.size() - head_; }
  bool empty() const { return head_ == entries_.size(); }
  const EventEntry& front() const { return entries_[head_]; }
  // The entries in order, size() of them.
  const EventEntry* data() const { return entries_.data() + head_; }

  // True when `entry` continues the run: the time of its last, a later sequence.
  bool continued_by(const EventEntry& entry) const {
    return !empty() && entry.time == entries_.back().time && entry.sequence > entries_.back().sequence;
  }
  void append(const EventEntry& entry) { entries_.push_back(entry); }
  // An empty lane: `entry` starts a run.
  void start(const EventEntry& entry) {
    entries_.clear();
    head_ = 0;
    entries_.push_back(entry);
  }
  // A lane of one entry: `entry` takes its place.
  void replace_single(const EventEntry& entry) { entries_[head_] = entry; }

  EventEntry pop_front() {
    const EventEntry first = entries_[head_++];
    // A long run half taken out moves to a buffer of its own size, the old one going back: the jobs
    // that end in a run schedule the next run meanwhile, and the two would otherwise hold a million
    // entries' room twice. O(1) amortised.
    if (head_ >= kCompactFrom && head_ * 2 >= entries_.size()) {
      const auto rest = entries_.begin() + static_cast<std::ptrdiff_t>(head_);
      std::vector<EventEntry>(rest, entries_.end()).swap(entries_);
      head_ = 0;
    }
    return first;
  }

  void swap(RunLane& other) noexcept {
    entries_.swap(other.entries_);
    std::swap(head_, other.head_);
  }

private:
  static constexpr std::size_t kCompactFrom = 4096;  // entries taken out before the rest is moved

  std::vector<EventEntry> entries_;  ///< entries_[head_ ..] in (time, sequence) order
  std::size_t head_ = 0;
};

// The default event set: a binary heap while it is small, a 4-ary heap once it is large, and beside
// the heap two lanes for runs of entries at one time.
//
// The heap: measured with tests/bench/bench_hold.cpp (Release, 16-byte entries), below some 30,000
// pending events the binary heap is the faster (1,000 pending: 1.76 against 1.57 x 10^7 events/s),
// its levels one compare deep; above, the 4-ary one (1.1-1.4x at 10^5-10^6), a family of four being
// one cache line and the tree half as deep. It turns 4-ary when it grows past `widen_above` entries
// and back to binary when it shrinks below `narrow_below`, rebuilding the array in place (O(n)); the
// gap between the two keeps it from turning back and forth.
//
// The lanes: an operation on many VMs schedules all their jobs to end at one time, one after
// another, so their entries arrive with one time and rising sequences. Such entries join a
// first-in first-out lane, O(1) in and out, rather than the heap (a million VMs: a million pops of a
// 16 MB heap). An entry joins the lane when it is empty or when the entry has the time of the lane's
// last and a later sequence; another goes to the heap, or, when the lane holds a single entry, takes
// the lane's place and sends that entry to the heap, so one stray entry does not keep a run out.
// Only equal times join: letting in any entry not earlier than the lane's last (a hold model's
// rising random times) made bench_hold 0.93x the bare heap at 1,000 pending, against 1.06-1.10x,
// and a million-VM run no faster. The jobs of a run, as they end, schedule the next steps of their
// VMs, again one time for all (a failover's end, then each VM's boot a fixed time later): while a
// long run drains (`kSecondLaneFrom` entries or more), such a run fills a second lane by the same
// rules, and becomes the first when the first is empty; without it the next run went through the
// heap, a million pushes and pops of a heap a million deep. A hold model's lane never holds a long
// run, so it never opens the second. The earliest entry is the earliest of the lanes' firsts and the
// heap's top. Entries come out in the same order whatever the arity and the lanes: the order is
// (time, sequence), and sequences are unique. A million VMs failed over: 1.1 s of user time to 1.0 s
// with the first lane.
class AdaptiveHeapEventSet final : public EventSet {
public:
  explicit AdaptiveHeapEventSet(std::size_t widen_above = 32'768, std::size_t narrow_below = 8'192)
      : widen_above_(widen_above), narrow_below_(narrow_below) {
    assert(narrow_below < widen_above && "the heap needs a gap between its two turning points");
  }

  // Adds `entry`. O(1) to a lane; O(log n) to the heap, and O(n) on the push that turns it 4-ary
  // (amortised O(1)).
  void push(const EventEntry& entry) override {
    const std::size_t in_lane = lane_.size();
    if (in_lane == 0) {  // then the second is empty too
      lane_.start(entry);
    } else if (lane_.continued_by(entry)) {
      lane_.append(entry);
    } else if (!next_.empty() || in_lane >= kSecondLaneFrom) [[unlikely]] {
      push_second(entry);
    } else {
      displace_or_heap(lane_, entry);
    }
  }

  // Removes and returns the earliest entry; the set must not be empty. O(1) from a lane; O(log n)
  // from the heap, and O(n) on the pop that turns it back to binary.
  EventEntry pop_min() override {
    if (!next_.empty()) [[unlikely]] {
      return pop_min_two_lanes();
    }
    if (lane_first()) {
      return lane_.pop_front();
    }
    if (!wide_) {
      return heap_.pop_min<2>();
    }
    const EventEntry top = heap_.pop_min<4>();
    if (heap_.size() < narrow_below_) {
      heap_.heapify<2>();
      wide_ = false;
    }
    return top;
  }

  // Returns the earliest entry; the set must not be empty. O(1).
  const EventEntry& peek_min() const override {
    assert(size() > 0 && "peek_min on an empty event set");
    if (!next_.empty()) [[unlikely]] {  // then the first lane holds entries too
      const EventEntry& lanes = runs_before(next_.front(), lane_.front()) ? next_.front() : lane_.front();
      return heap_.size() > 0 && runs_before(heap_.entries()[0], lanes) ? heap_.entries()[0] : lanes;
    }
    return lane_first() ? lane_.front() : heap_.entries()[0];
  }

  std::size_t size() const override { return heap_.size() + lane_.size() + next_.size(); }

  // True while the heap is 4-ary; the entries in the first lane, the second and the heap (for tests).
  bool wide() const { return wide_; }
  std::size_t lane_size() const { return lane_.size(); }
  std::size_t second_lane_size() const { return next_.size(); }
  std::size_t heap_size() const { return heap_.size(); }

  // The heap's entries in heap order (the root first, then its children, ...), heap_size() of them,
  // and the first lane's in order, lane_size() of them: for a caller that looks ahead at what runs
  // next (the simulator prefetches what their events will touch).
  const EventEntry* heap_order() const { return heap_.entries(); }
  const EventEntry* lane_order() const { return lane_.data(); }

private:
  // A run this long in the first lane lets a run start in the second.
  static constexpr std::size_t kSecondLaneFrom = 256;

  // True when the first lane's first entry is earlier than the heap's top (the lane not empty, the
  // heap empty or later).
  bool lane_first() const {
    return !lane_.empty() && (heap_.size() == 0 || runs_before(lane_.front(), heap_.entries()[0]));
  }

  // push() of an entry that does not continue the first lane's run while that run is long or the
  // second lane is open: the second lane by the first's rules, else the heap.
  [[gnu::noinline]] void push_second(const EventEntry& entry) {
    if (next_.continued_by(entry)) {
      next_.append(entry);
    } else if (next_.empty()) {
      next_.start(entry);
    } else {
      displace_or_heap(next_, entry);
    }
  }

  // An entry that neither continues nor starts `lane`'s run: when the lane holds a lone entry, that
  // one goes to the heap and this takes its place (one stray entry does not keep a run out); else
  // this one goes to the heap.
  void displace_or_heap(RunLane& lane, const EventEntry& entry) {
    if (lane.size() == 1) {
      heap_push(lane.front());
      lane.replace_single(entry);
    } else {
      heap_push(entry);
    }
  }

  // pop_min() while the second lane holds entries (and so the first too).
  [[gnu::noinline]] EventEntry pop_min_two_lanes() {
    const bool heap_first = heap_.size() > 0 && runs_before(heap_.entries()[0], lane_.front()) &&
                            runs_before(heap_.entries()[0], next_.front());
    if (heap_first) {
      const EventEntry top = wide_ ? heap_.pop_min<4>() : heap_.pop_min<2>();
      if (wide_ && heap_.size() < narrow_below_) {
        heap_.heapify<2>();
        wide_ = false;
      }
      return top;
    }
    if (runs_before(next_.front(), lane_.front())) {
      return next_.pop_front();
    }
    const EventEntry first = lane_.pop_front();
    if (lane_.empty()) {
      lane_.swap(next_);  // the second lane's run is now the first
    }
    return first;
  }

  void heap_push(const EventEntry& entry) {
    if (wide_) {
      heap_.push<4>(entry);
      return;
    }
    heap_.push<2>(entry);
    if (heap_.size() > widen_above_) {
      heap_.heapify<4>();
      wide_ = true;
    }
  }

  HeapArray heap_;
  RunLane lane_;  ///< the first lane: never empty while the second holds entries
  RunLane next_;  ///< the second lane: the next run, while a long one drains
  std::size_t widen_above_;
  std::size_t narrow_below_;
  bool wide_ = false;
};

extern template class DaryHeapEventSet<2>;
extern template class DaryHeapEventSet<4>;

// The binary and the 4-ary heap (8-ary was slower than both), which the event-set test suite runs
// against besides the default.
using BinaryHeapEventSet = DaryHeapEventSet<2>;
using DefaultEventSet = AdaptiveHeapEventSet;

}  // namespace drsim::engine
