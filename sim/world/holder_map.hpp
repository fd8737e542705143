#pragma once
// Who holds each bound address of one subnet: address -> (VM, instance slot). A subnet of a million
// VMs' world holds two of these entries per VM (home and replica), so the map is one flat array of
// 12-byte entries, open addressing with linear probing, instead of a node-based hash map's 40-odd
// bytes and one allocation per entry. Deletion shifts the following entries back (no tombstones),
// so a map that churns stays as fast as a fresh one. An empty map allocates nothing.
#include <cstdint>
#include <memory>
#include <optional>
#include <utility>

namespace drsim {

class HolderMap {
public:
    struct Holder {
        std::uint32_t vm;
        std::uint8_t slot;
    };

    HolderMap() = default;
    HolderMap(HolderMap&&) noexcept = default;
    HolderMap& operator=(HolderMap&&) noexcept = default;

    std::size_t size() const { return size_; }
    bool empty() const { return size_ == 0; }

    /// Sets the holder of `address`, adding it or replacing the one it had.
    void set(std::uint32_t address, Holder holder) {
        if ((size_ + 1) * 4 > capacity() * 3) grow();
        std::size_t i = home(address);
        while (entries_[i].vm != kEmpty && entries_[i].address != address) i = (i + 1) & mask_;
        if (entries_[i].vm == kEmpty) ++size_;
        entries_[i] = Entry{address, holder.vm, holder.slot};
    }

    /// The holder of `address`, if any.
    std::optional<Holder> find(std::uint32_t address) const {
        if (size_ == 0) return std::nullopt;
        for (std::size_t i = home(address);; i = (i + 1) & mask_) {
            if (entries_[i].vm == kEmpty) return std::nullopt;
            if (entries_[i].address == address) return Holder{entries_[i].vm, entries_[i].slot};
        }
    }

    /// Forgets the holder of `address`; nothing when it has none.
    void erase(std::uint32_t address) {
        if (size_ == 0) return;
        std::size_t i = home(address);
        while (entries_[i].address != address || entries_[i].vm == kEmpty) {
            if (entries_[i].vm == kEmpty) return;
            i = (i + 1) & mask_;
        }
        // Shift back each following entry of the run that may move into the hole: one whose home is
        // not in the (cyclic) stretch between the hole and where it sits.
        for (std::size_t j = (i + 1) & mask_; entries_[j].vm != kEmpty; j = (j + 1) & mask_) {
            const std::size_t h = home(entries_[j].address);
            const bool stays = i <= j ? (i < h && h <= j) : (i < h || h <= j);
            if (stays) continue;
            entries_[i] = entries_[j];
            i = j;
        }
        entries_[i].vm = kEmpty;
        --size_;
    }

    /// Calls `f(address, holder)` for every entry, in the table's order (callers that show the
    /// result sort it).
    template <typename F>
    void for_each(F&& f) const {
        for (std::size_t i = 0; i < capacity(); ++i)
            if (entries_[i].vm != kEmpty) f(entries_[i].address, Holder{entries_[i].vm, entries_[i].slot});
    }

private:
    static constexpr std::uint32_t kEmpty = 0xffffffffU;  ///< no VM has this id
    struct Entry {
        std::uint32_t address = 0;
        std::uint32_t vm = kEmpty;
        std::uint8_t slot = 0;
    };

    std::size_t capacity() const { return entries_ ? mask_ + 1 : 0; }
    /// Fibonacci hashing: the addresses of a subnet are consecutive numbers, and multiplying by 2^32/φ
    /// spreads them over the table's top bits.
    std::size_t home(std::uint32_t address) const {
        return static_cast<std::size_t>((std::uint64_t{address} * 0x9E3779B97F4A7C15ULL) >> shift_) & mask_;
    }
    void grow() {
        const std::size_t old_capacity = capacity();
        std::unique_ptr<Entry[]> old = std::move(entries_);
        const std::size_t capacity = old_capacity == 0 ? 8 : old_capacity * 2;
        entries_ = std::make_unique<Entry[]>(capacity);
        mask_ = capacity - 1;
        shift_ = 64;
        for (std::size_t c = capacity; c > 1; c >>= 1) --shift_;
        size_ = 0;
        for (std::size_t i = 0; i < old_capacity; ++i)
            if (old[i].vm != kEmpty) set(old[i].address, Holder{old[i].vm, old[i].slot});
    }

    std::unique_ptr<Entry[]> entries_;
    std::size_t size_ = 0;
    std::size_t mask_ = 0;
    unsigned shift_ = 64;
};

}  // namespace drsim
