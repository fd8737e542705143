#include "sim/scenario/name_table.hpp"

#include <algorithm>

namespace drsim {

NameTable& NameTable::operator=(NameTable&& other) noexcept {
    blocks_ = std::move(other.blocks_);
    other.blocks_.clear();
    next_ = std::exchange(other.next_, nullptr);
    block_free_ = std::exchange(other.block_free_, 0);
    index_ = std::move(other.index_);
    other.index_.clear();
    return *this;
}

std::optional<HeldName> NameTable::add(std::string_view name, std::uint32_t number) {
    const std::string_view held = hold(name);
    if (index_.emplace(held, number).second) return HeldName{held};
    // Held already: give the copy back (it is the last one held).
    next_ -= held.size();
    block_free_ += held.size();
    return std::nullopt;
}

std::string_view NameTable::hold(std::string_view name) {
    if (name.size() > block_free_) {
        // A name longer than a block gets a block of its own size.
        const std::size_t size = std::max(block_size, name.size());
        blocks_.push_back(std::make_unique_for_overwrite<char[]>(size));
        next_ = blocks_.back().get();
        block_free_ = size;
    }
    char* start = next_;
    std::copy(name.begin(), name.end(), start);
    next_ += name.size();
    block_free_ -= name.size();
    return {start, name.size()};
}

}  // namespace drsim
