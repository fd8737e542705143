#include "engine/random_streams.hpp"

#include <cassert>
#include <cmath>
#include <limits>

namespace drsim::engine {
namespace {

// splitmix64 (Steele, Lea & Flood): advances `state` and returns a well-mixed 64-bit value.
std::uint64_t splitmix64(std::uint64_t& state) {
  std::uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

std::uint64_t mix(std::uint64_t value) { return splitmix64(value); }

std::uint64_t fnv1a64(std::string_view text) {
  std::uint64_t hash = 0xcbf29ce484222325ULL;
  for (const char character : text) {
    hash ^= static_cast<unsigned char>(character);
    hash *= 0x100000001b3ULL;
  }
  return hash;
}

// __extension__ keeps -Wpedantic quiet: the 64x64->128-bit product is a GCC/Clang built-in type.
__extension__ using Uint128 = unsigned __int128;

std::uint64_t rotl(std::uint64_t value, int shift) {
  return (value << shift) | (value >> (64 - shift));
}

}  // namespace

RandomStream::RandomStream(std::uint64_t key) {
  // splitmix64 is a bijection of its counter, so four consecutive outputs are never all zero (the
  // one state xoshiro cannot leave).
  std::uint64_t seeder = key;
  for (std::uint64_t& word : state_) {
    word = splitmix64(seeder);
  }
}

std::uint64_t RandomStream::next_u64() {
  const std::uint64_t result = rotl(state_[1] * 5, 7) * 9;
  const std::uint64_t shifted = state_[1] << 17;
  state_[2] ^= state_[0];
  state_[3] ^= state_[1];
  state_[1] ^= state_[2];
  state_[0] ^= state_[3];
  state_[2] ^= shifted;
  state_[3] = rotl(state_[3], 45);
  return result;
}

double RandomStream::uniform01() {
  // The top 53 bits fill a double's mantissa exactly.
  return static_cast<double>(next_u64() >> 11) * 0x1.0p-53;
}

std::int64_t RandomStream::uniform_int(std::int64_t lo, std::int64_t hi) {
  assert(lo <= hi && "uniform_int needs lo <= hi");
  // Unsigned arithmetic: the width of [INT64_MIN, INT64_MAX] does not fit in int64.
  const std::uint64_t span = static_cast<std::uint64_t>(hi) - static_cast<std::uint64_t>(lo) + 1;
  if (span == 0) {
    return static_cast<std::int64_t>(next_u64());  // the full 64-bit range
  }
  // Lemire, "Fast random integer generation in an interval" (2019): the high word of x * span is
  // uniform once the low words below (2^64 mod span) are rejected.
  Uint128 product = static_cast<Uint128>(next_u64()) * span;
  auto low = static_cast<std::uint64_t>(product);
  if (low < span) {
    const std::uint64_t threshold = (0 - span) % span;
    while (low < threshold) {
      product = static_cast<Uint128>(next_u64()) * span;
      low = static_cast<std::uint64_t>(product);
    }
  }
  const auto offset = static_cast<std::uint64_t>(product >> 64);
  return static_cast<std::int64_t>(static_cast<std::uint64_t>(lo) + offset);
}

double RandomStream::normal(double mean, double stddev) {
  assert(stddev >= 0.0 && "normal needs stddev >= 0");
  if (has_spare_normal_) {
    has_spare_normal_ = false;
    return mean + stddev * spare_normal_;
  }
  double u = 0.0;
  double v = 0.0;
  double radius_squared = 0.0;
  do {
    u = 2.0 * uniform01() - 1.0;
    v = 2.0 * uniform01() - 1.0;
    radius_squared = u * u + v * v;
  } while (radius_squared >= 1.0 || radius_squared == 0.0);
  const double factor = std::sqrt(-2.0 * std::log(radius_squared) / radius_squared);
  spare_normal_ = v * factor;
  has_spare_normal_ = true;
  return mean + stddev * (u * factor);
}

double RandomStream::lognormal(double median, double sigma) {
  assert(median > 0.0 && "lognormal needs median > 0");
  assert(sigma >= 0.0 && "lognormal needs sigma >= 0");
  return median * std::exp(sigma * normal(0.0, 1.0));
}

RandomStreams::RandomStreams(std::uint64_t seed, std::uint64_t run_id) : seed_(seed), run_id_(run_id) {}

RandomStream& RandomStreams::stream(std::string_view name) {
  auto found = streams_.find(name);
  if (found == streams_.end()) {
    found = streams_.emplace(std::string(name), RandomStream(stream_key(seed_, run_id_, name))).first;
  }
  return found->second;
}

std::uint64_t RandomStreams::stream_key(std::uint64_t seed, std::uint64_t run_id, std::string_view name) {
  // Each input passes through the mixer before the next is folded in, so that nearby seeds, run ids
  // and names (which differ in a few bits) still give unrelated keys.
  return mix(mix(mix(seed) ^ run_id) ^ fnv1a64(name));
}

}  // namespace drsim::engine
