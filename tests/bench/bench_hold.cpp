// Hold-model benchmark of the kernel (as ns-3 ships one): fill the simulator with N pending events,
// then time a fixed number of steps, each of which pops the earliest event and — from inside that
// event's action — schedules one new event at now + a random increment, so the queue stays at N.
// Prints, per N, the median of three repetitions (the kernel's and the bare heap's taken in turn).
//
// Two clocks: wall time, and the CPU time of this thread. events_per_s is computed from CPU time, which
// leaves out the time the thread spends waiting for a core — on a shared machine (other builds
// running) wall time measures the load, not the kernel. Both are printed; on an idle machine they
// agree.
//
// Beside the kernel, the same hold model on a bare std::priority_queue of the same entries (time,
// sequence number, an 8-byte action): no simulator around it. The ratio of their event rates, in one
// run, says what the kernel costs over the bare heap (>= 1.0: the kernel is at least as fast).
//
// Usage: bench_hold [events-per-repetition] [--compare] [--pending N]
//   --pending N  only that queue size (default: 1,000, 100,000 and 1,000,000)
//   --compare  also runs the same model on the binary heap (DaryHeapEventSet<2>). Note that the
//              Simulator calls its default heap directly but any other set through the virtual
//              interface, so this line measures arity and devirtualisation together.
#include <algorithm>
#include <array>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <functional>
#include <memory>
#include <queue>
#include <vector>

#include "engine/dary_heap_event_set.hpp"
#include "engine/random_streams.hpp"
#include "engine/simulator.hpp"

namespace {

using drsim::engine::EventSet;
using drsim::engine::RandomStream;
using drsim::engine::RandomStreams;
using drsim::engine::SimTime;
using drsim::engine::Simulator;

// Increments are uniform in [0, 2 * kMeanIncrement] ms: the mean is irrelevant to the heap's work
// (only the relative order matters), and a uniform integer draw keeps the random-number cost small
// next to the queue operations being measured.
constexpr SimTime kMeanIncrement = 1'000'000;

struct HoldModel {
  Simulator simulator;
  RandomStream random;
  HoldModel(std::unique_ptr<EventSet> set, RandomStream stream)
      : simulator(std::move(set)), random(stream) {}
};

// The event action: 8 bytes, trivially copyable, so it lives inline in the Action and moves by memcpy.
struct Hold {
  HoldModel* model;
  void operator()() const {
    model->simulator.schedule_in(model->random.uniform_int(0, 2 * kMeanIncrement), Hold{model});
  }
};

struct Timing {
  double wall_seconds = 0.0;
  double cpu_seconds = 0.0;
};

double thread_cpu_seconds() {
  timespec now{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
  return static_cast<double>(now.tv_sec) + static_cast<double>(now.tv_nsec) * 1e-9;
}

template <typename MakeSet>
Timing run_once(MakeSet make_set, std::size_t pending, std::uint64_t events) {
  RandomStreams streams(20240601);
  HoldModel model(make_set(), streams.stream("hold"));
  for (std::size_t i = 0; i < pending; ++i) {
    model.simulator.schedule_at(model.random.uniform_int(0, 2 * kMeanIncrement), Hold{&model});
  }
  // Warm up: one pass over the queue so the slot pool and the free list reach their steady state.
  for (std::size_t i = 0; i < pending; ++i) {
    model.simulator.step();
  }
  const auto start = std::chrono::steady_clock::now();
  const double cpu_start = thread_cpu_seconds();
  for (std::uint64_t i = 0; i < events; ++i) {
    model.simulator.step();
  }
  const double cpu_stop = thread_cpu_seconds();
  const auto stop = std::chrono::steady_clock::now();
  if (model.simulator.pending() != pending) {
    std::fprintf(stderr, "hold: queue size drifted to %zu\n", model.simulator.pending());
    std::exit(1);
  }
  return Timing{std::chrono::duration<double>(stop - start).count(), cpu_stop - cpu_start};
}

// The bare heap: entries as the kernel's (time, then sequence for ties), a hold step popping the
// earliest and pushing one at now + a random increment.
struct BareEntry {
  SimTime time;
  std::uint64_t sequence;
  void* action;
  bool operator>(const BareEntry& o) const { return time != o.time ? time > o.time : sequence > o.sequence; }
};

Timing run_bare_once(std::size_t pending, std::uint64_t events) {
  RandomStreams streams(20240601);
  RandomStream random = streams.stream("hold");
  std::vector<BareEntry> storage;
  storage.reserve(pending + 1);
  std::priority_queue<BareEntry, std::vector<BareEntry>, std::greater<>> heap(std::greater<>{}, std::move(storage));
  std::uint64_t sequence = 0;
  for (std::size_t i = 0; i < pending; ++i) heap.push({random.uniform_int(0, 2 * kMeanIncrement), sequence++, nullptr});
  auto step = [&] {
    const BareEntry top = heap.top();
    heap.pop();
    heap.push({top.time + random.uniform_int(0, 2 * kMeanIncrement), sequence++, top.action});
  };
  for (std::size_t i = 0; i < pending; ++i) step();
  const auto start = std::chrono::steady_clock::now();
  const double cpu_start = thread_cpu_seconds();
  for (std::uint64_t i = 0; i < events; ++i) step();
  const double cpu_stop = thread_cpu_seconds();
  const auto stop = std::chrono::steady_clock::now();
  if (heap.size() != pending) std::exit(1);
  return Timing{std::chrono::duration<double>(stop - start).count(), cpu_stop - cpu_start};
}

// The median of three timings, printed under `label`; returns the events per CPU second.
double report_timings(const char* label, std::array<Timing, 3> timings, std::size_t pending, std::uint64_t events) {
  std::sort(timings.begin(), timings.end(),
            [](const Timing& a, const Timing& b) { return a.cpu_seconds < b.cpu_seconds; });
  std::array<double, 3> walls = {timings[0].wall_seconds, timings[1].wall_seconds, timings[2].wall_seconds};
  std::sort(walls.begin(), walls.end());
  const double cpu = timings[1].cpu_seconds;
  std::printf("%s  pending=%zu  events=%llu  seconds=%.3f  events_per_s=%.3g  wall_seconds=%.3f  "
              "wall_events_per_s=%.3g\n",
              label, pending, static_cast<unsigned long long>(events), cpu, static_cast<double>(events) / cpu,
              walls[1], static_cast<double>(events) / walls[1]);
  std::fflush(stdout);
  return static_cast<double>(events) / cpu;
}

// Three repetitions of `once`, printed under `label` (their median); returns the events per CPU second.
template <typename Once>
double report_runs(const char* label, Once once, std::size_t pending, std::uint64_t events) {
  std::array<Timing, 3> timings{};
  for (Timing& timing : timings) timing = once();
  return report_timings(label, timings, pending, events);
}

template <typename MakeSet>
double report(const char* label, MakeSet make_set, std::size_t pending, std::uint64_t events) {
  return report_runs(label, [&] { return run_once(make_set, pending, events); }, pending, events);
}

// The kernel and the bare heap, three repetitions each taken in turn (kernel first, then bare first,
// then kernel first), so that a slow spell of a shared machine falls on both alike; each printed as
// its median, then the ratio of their event rates.
void report_kernel_and_bare(std::size_t pending, std::uint64_t events) {
  std::array<Timing, 3> kernel{}, bare{};
  const auto make_kernel_set = [] { return std::make_unique<drsim::engine::DefaultEventSet>(); };
  for (std::size_t round = 0; round < 3; ++round) {
    if (round % 2 == 0) {
      kernel[round] = run_once(make_kernel_set, pending, events);
      bare[round] = run_bare_once(pending, events);
    } else {
      bare[round] = run_bare_once(pending, events);
      kernel[round] = run_once(make_kernel_set, pending, events);
    }
  }
  const double kernel_rate = report_timings("hold", kernel, pending, events);
  const double bare_rate = report_timings("hold-bare-priority-queue", bare, pending, events);
  std::printf("kernel/bare  pending=%zu  ratio=%.2f\n", pending, kernel_rate / bare_rate);
}

}  // namespace

int main(int argc, char** argv) {
  std::uint64_t events = 10'000'000;
  bool compare = false;
  std::vector<std::size_t> sizes = {1'000, 100'000, 1'000'000};
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--compare") == 0) {
      compare = true;
    } else if (std::strcmp(argv[i], "--pending") == 0 && i + 1 < argc) {
      sizes = {static_cast<std::size_t>(std::strtoull(argv[++i], nullptr, 10))};
    } else {
      events = std::strtoull(argv[i], nullptr, 10);
    }
  }
#ifndef NDEBUG
  std::printf("# warning: assertions are on; performance figures must come from a Release build\n");
#endif
  for (const std::size_t pending : sizes) {
    report_kernel_and_bare(pending, events);
    if (compare) {
      report("hold-binary", [] { return std::make_unique<drsim::engine::DaryHeapEventSet<2>>(); }, pending,
             events);
    }
  }
  return 0;
}
