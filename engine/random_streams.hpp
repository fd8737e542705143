#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>

namespace drsim::engine {

// One stream of pseudo-random numbers: xoshiro256** (Blackman & Vigna), with every distribution
// written out here. Not std::mt19937 with std::*_distribution: the standard distributions are
// implementation-defined, so their output differs between standard libraries. next_u64, uniform01 and
// uniform_int are bit-identical everywhere; normal and lognormal also go through std::log/std::exp,
// so they are bit-identical for a given C library.
class RandomStream {
public:
  // Seeds the state from `key` by splitmix64, as the xoshiro authors recommend.
  explicit RandomStream(std::uint64_t key);

  // Returns the next 64 uniformly distributed bits.
  std::uint64_t next_u64();
  // Returns a double uniform in [0, 1), a multiple of 2^-53.
  double uniform01();
  // Returns an integer uniform in [lo, hi], both included; lo must be <= hi. Unbiased (Lemire's
  // multiply-and-reject), so it may draw more than one u64.
  std::int64_t uniform_int(std::int64_t lo, std::int64_t hi);
  // Returns a normal variate (Marsaglia's polar method); stddev must be >= 0. Draws come in pairs:
  // every second call uses the spare of the previous one.
  double normal(double mean, double stddev);
  // Returns exp(N(log(median), sigma)): a lognormal variate with the given median; median > 0,
  // sigma >= 0.
  double lognormal(double median, double sigma);

private:
  std::array<std::uint64_t, 4> state_{};
  double spare_normal_ = 0.0;
  bool has_spare_normal_ = false;
};

// The random streams of one run, by name. Each stream is derived from (seed, run id, name) alone, so
// adding a stream, or drawing more from one, never changes the numbers another stream produces: a
// component's randomness does not depend on which other components exist or in what order they ask.
class RandomStreams {
public:
  explicit RandomStreams(std::uint64_t seed, std::uint64_t run_id = 0);

  // Returns the stream called `name`, created on first use; the reference stays valid for the
  // lifetime of this object. O(log number-of-streams).
  RandomStream& stream(std::string_view name);

  // Returns the key a stream called `name` is seeded from: splitmix64 mixing of seed, run id and
  // the 64-bit FNV-1a hash of the name's bytes.
  static std::uint64_t stream_key(std::uint64_t seed, std::uint64_t run_id, std::string_view name);

  std::uint64_t seed() const { return seed_; }
  std::uint64_t run_id() const { return run_id_; }

private:
  std::uint64_t seed_;
  std::uint64_t run_id_;
  // std::map: node-based, so references handed out by stream() survive later insertions.
  std::map<std::string, RandomStream, std::less<>> streams_;
};

}  // namespace drsim::engine
