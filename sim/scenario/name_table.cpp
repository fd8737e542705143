#include "sim/scenario/name_table.hpp"

#include <algorithm>
#include <cassert>
#include <cstring>
#include <functional>
#include <limits>
#include <stdexcept>

namespace drsim {

NameTable& NameTable::operator=(NameTable&& other) noexcept {
    blocks_ = std::move(other.blocks_);
    other.blocks_.clear();
    next_ = std::exchange(other.next_, nullptr);
    block_free_ = std::exchange(other.block_free_, 0);
    entries_ = std::move(other.entries_);
    other.entries_.clear();
    slots_ = std::move(other.slots_);
    other.slots_.clear();
    tags_ = std::move(other.tags_);
    other.tags_.clear();
    return *this;
}

void NameTable::reserve(std::size_t count) {
    entries_.reserve(count);
    if (count * 4 > slots_.size() * 3) rehash(count);
}

std::size_t NameTable::slot_of(std::string_view name, std::size_t h) const {
    const std::size_t mask = slots_.size() - 1;
    const std::uint8_t tag = tag_of(h);
    for (std::size_t i = h & mask;; i = (i + 1) & mask) {
        const std::uint32_t slot = slots_[i];
        if (slot == 0) return i;
        if (tags_[i] == tag && entries_[slot - 1].name.view() == name) return i;
    }
}

void NameTable::rehash(std::size_t count) {
    std::size_t size = 16;
    while (size * 3 < count * 4) size *= 2;
    slots_.assign(size, 0);
    tags_.assign(size, 0);
    for (std::uint32_t k = 0; k < entries_.size(); ++k) {
        const std::size_t h = hash(entries_[k].name.view());
        const std::size_t at = slot_of(entries_[k].name.view(), h);
        slots_[at] = k + 1;
        tags_[at] = tag_of(h);
    }
}

std::optional<HeldName> NameTable::add(std::string_view name, std::uint32_t number, std::size_t h) {
    assert(h == hash(name) && "the hash of the name added");
    if ((entries_.size() + 1) * 4 > slots_.size() * 3) rehash(std::max<std::size_t>(2 * entries_.size(), entries_.size() + 1));
    const std::size_t at = slot_of(name, h);
    if (slots_[at] != 0) return std::nullopt;  // held already
    if (entries_.size() >= std::numeric_limits<std::uint32_t>::max() || name.size() > std::numeric_limits<std::uint32_t>::max())
        throw std::length_error("too many names, or a name too long, for one name table");
    const HeldName held{hold(name)};
    entries_.push_back(Entry{held, number});
    slots_[at] = static_cast<std::uint32_t>(entries_.size());
    tags_[at] = tag_of(h);
    return held;
}

const char* NameTable::hold(std::string_view name) {
    // Its length first (HeldName reads it there), then its characters.
    const auto size = static_cast<std::uint32_t>(name.size());
    const std::size_t need = sizeof size + name.size();
    if (need > block_free_) {
        // A name longer than a block gets a block of its own size.
        const std::size_t block = std::max(block_size, need);
        blocks_.push_back(std::make_unique_for_overwrite<char[]>(block));
        next_ = blocks_.back().get();
        block_free_ = block;
    }
    std::memcpy(next_, &size, sizeof size);
    char* start = next_ + sizeof size;
    std::copy(name.begin(), name.end(), start);
    next_ += need;
    block_free_ -= need;
    return start;
}

}  // namespace drsim
