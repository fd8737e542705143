#pragma once
// Names held once: the VM names (and the VMs' dns_names) of a scenario. The loader fills a table
// while it reads the VMs; the world resolves names through the same table, so a name is stored
// once and indexed once, however many parts of the program look it up.
#include <compare>
#include <cstdint>
#include <cstring>
#include <functional>
#include <ostream>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace drsim {

/// A name held once in a NameTable: a pointer to its characters, its length in the four bytes
/// before them, so a million VMs carry 8 bytes per name rather than a 16-byte view. Valid while the
/// table lives. It reads as a std::string_view, joins into texts with + and converts to std::string
/// as the std::string it stands for did, so `vm.name + " booted"` reads as before (C++26 adds
/// string + string_view to the standard; the literal cases are ours).
class HeldName {
public:
    HeldName() = default;

    std::string_view view() const {
        if (chars_ == nullptr) return {};
        std::uint32_t size = 0;
        std::memcpy(&size, chars_ - sizeof size, sizeof size);
        return {chars_, size};
    }
    operator std::string_view() const { return view(); }  // NOLINT: implicit, read as the view it is
    operator std::string() const { return std::string{view()}; }  // NOLINT: implicit, as the std::string was

    std::size_t size() const { return view().size(); }
    bool empty() const { return chars_ == nullptr || size() == 0; }
    const char* data() const { return view().data(); }
    std::string_view::const_iterator begin() const { return view().begin(); }
    std::string_view::const_iterator end() const { return view().end(); }
    char operator[](std::size_t i) const { return chars_[i]; }

    friend bool operator==(HeldName a, HeldName b) { return a.view() == b.view(); }
    friend bool operator==(HeldName a, std::string_view b) { return a.view() == b; }
    friend bool operator==(HeldName a, const char* b) { return a.view() == b; }
    friend bool operator==(HeldName a, const std::string& b) { return a.view() == b; }
    friend auto operator<=>(HeldName a, HeldName b) { return a.view() <=> b.view(); }
    friend auto operator<=>(HeldName a, std::string_view b) { return a.view() <=> b; }

    friend std::string operator+(HeldName a, std::string_view b) { return joined(a, b); }
    friend std::string operator+(std::string_view a, HeldName b) { return joined(a, b); }
    friend std::string operator+(HeldName a, const std::string& b) { return joined(a, b); }
    friend std::string operator+(const std::string& a, HeldName b) { return joined(a, b); }
    friend std::string operator+(HeldName a, const char* b) { return joined(a, b); }
    friend std::string operator+(const char* a, HeldName b) { return joined(a, b); }
    friend std::string operator+(HeldName a, HeldName b) { return joined(a, b); }
    friend std::ostream& operator<<(std::ostream& out, HeldName name) { return out << name.view(); }

private:
    friend class NameTable;
    explicit HeldName(const char* chars) : chars_(chars) {}
    static std::string joined(std::string_view a, std::string_view b) {
        std::string out;
        out.reserve(a.size() + b.size());
        out.append(a).append(b);
        return out;
    }

    const char* chars_ = nullptr;  ///< the characters; their count in the 4 bytes before
};

/// Names, each held once in blocks of characters that never move (each after its length), and the
/// index name -> number (a VM's index). A HeldName `add` returns stays valid as long as the table,
/// which moves but is never copied (a copy would leave the names pointing into the original).
class NameTable {
public:
    NameTable() = default;
    /// The moved-from table is empty.
    NameTable(NameTable&& other) noexcept { *this = std::move(other); }
    NameTable& operator=(NameTable&& other) noexcept;
    NameTable(const NameTable&) = delete;
    NameTable& operator=(const NameTable&) = delete;

    /// Room for `count` names in all: the index does not grow while it fills up to there.
    void reserve(std::size_t count);
    /// Holds `name` as number `number`'s and returns the held copy; nullopt when the table holds
    /// `name` already (find tells whose it is), and then nothing is held. O(|name|) expected.
    std::optional<HeldName> add(std::string_view name, std::uint32_t number) { return add(name, number, hash(name)); }
    /// The same, for a caller that has the name's hash already (it prefetched its slot).
    std::optional<HeldName> add(std::string_view name, std::uint32_t number, std::size_t h);
    /// The number held under `name`; nullopt when none is. O(|name|) expected.
    std::optional<std::uint32_t> find(std::string_view name) const {
        if (slots_.empty()) return std::nullopt;
        const std::uint32_t slot = slots_[slot_of(name, hash(name))];
        if (slot == 0) return std::nullopt;
        return entries_[slot - 1].number;
    }
    std::size_t size() const { return entries_.size(); }

    /// What places a name in the index.
    static std::size_t hash(std::string_view name) { return std::hash<std::string_view>{}(name); }
    /// Starts loading the part of the index where a name of hash `h` goes, for a caller that adds
    /// many names and announces the next ones some way ahead: in a table larger than the caches
    /// each add is a cache miss, and announced ones overlap.
    void prefetch(std::size_t h) const {
        if (slots_.empty()) return;
        const std::size_t i = h & (slots_.size() - 1);
        __builtin_prefetch(&slots_[i]);
        __builtin_prefetch(&tags_[i]);
    }

private:
    /// A copy of `name`, after its length, in the last block (a new one when it does not fit): its characters.
    const char* hold(std::string_view name);

    static constexpr std::size_t block_size = 64 * 1024;
    std::vector<std::unique_ptr<char[]>> blocks_;
    char* next_ = nullptr;        ///< where the next name goes in the last block
    std::size_t block_free_ = 0;  ///< characters left after next_
    // The index: the names in the order added, and an open-addressing table (linear probing, at
    // most three quarters full) of their places in that list. 16 bytes per name and 5 per slot,
    // where a node-based hash map takes some 50 per name.
    struct Entry {
        HeldName name;
        std::uint32_t number;
    };
    /// The slot holding `name` (of hash `h`), or the empty slot where it would go. slots_ must not
    /// be empty.
    std::size_t slot_of(std::string_view name, std::size_t h) const;
    /// The 8 bits of a hash a slot's tag keeps (the top ones: the low ones choose the slot).
    static std::uint8_t tag_of(std::size_t h) { return static_cast<std::uint8_t>(h >> (8 * sizeof h - 8)); }
    /// Rebuilds the slots with room for `count` names.
    void rehash(std::size_t count);

    std::vector<Entry> entries_;
    std::vector<std::uint32_t> slots_;  ///< 1 + the name's place in entries_; 0: empty. A power of two long.
    /// Per slot, 8 bits of the hash of the name there: a probe passes a slot whose tag differs
    /// without reading the entry and the name (two more cache misses in a large table).
    std::vector<std::uint8_t> tags_;
};

}  // namespace drsim
