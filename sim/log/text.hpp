#pragma once
// What a log record or a decision says, held as data: a static format with "{}" where each argument
// goes, and up to three typed arguments — a VM, network, subnet, site … by id, an address, a count, a
// duration, or free text interned once in the run's TextTable. Nothing is formatted while the run
// goes; the outputs render a text when they write it (World::render), so a million records hold ids
// and numbers, not a million strings. The format and the kinds of the arguments (the text's form)
// are one small id of the process's TextForms: a Text is 16 bytes, its id and three values.
#include <array>
#include <atomic>
#include <bit>
#include <cstdint>
#include <deque>
#include <string>
#include <string_view>
#include <unordered_map>

#include "sim/addressing/ipv4.hpp"

namespace drsim {

/// Free text a record mentions that is no entity of the world (a DNS name, a list of names, a plan's
/// name): each distinct text held once per run, by index.
class TextTable {
public:
    std::uint32_t intern(std::string_view text);
    std::string_view at(std::uint32_t index) const { return texts_[index]; }

private:
    std::deque<std::string> texts_;  ///< a deque: views into it stay valid as it grows
    std::unordered_map<std::string_view, std::uint32_t> index_;
};

/// One argument of a Text.
struct TextArg {
    enum class Kind : std::uint8_t {
        none,
        vm, network, subnet, site, connection, circuit, client, cloud, host,  ///< by id: the entity's name
        dns_name,       ///< a VM (by id) as its dns_name
        state,          ///< a replication state (ReplicationState), as its name
        subnet_path,    ///< a subnet as "network/subnet"
        subnet_prefix,  ///< a subnet's prefix ("10.0.0.0/24")
        subnet_where,   ///< a subnet as "name (prefix) of network"
        address,        ///< an IPv4 address
        count,          ///< a number
        duration_ms,    ///< a duration (engine::format_duration), in milliseconds
        duration_s,     ///< the same in whole seconds, when milliseconds do not fit 32 bits
        text,           ///< free text: an index into the run's TextTable
    };
    Kind kind = Kind::none;
    std::uint32_t value = 0;
};

namespace arg {
inline TextArg vm(std::uint32_t id) { return {TextArg::Kind::vm, id}; }
inline TextArg network(std::uint32_t id) { return {TextArg::Kind::network, id}; }
inline TextArg subnet(std::uint32_t id) { return {TextArg::Kind::subnet, id}; }
inline TextArg site(std::uint32_t id) { return {TextArg::Kind::site, id}; }
inline TextArg connection(std::uint32_t id) { return {TextArg::Kind::connection, id}; }
inline TextArg circuit(std::uint32_t id) { return {TextArg::Kind::circuit, id}; }
inline TextArg client(std::uint32_t id) { return {TextArg::Kind::client, id}; }
inline TextArg cloud(std::uint32_t id) { return {TextArg::Kind::cloud, id}; }
inline TextArg host(std::uint32_t id) { return {TextArg::Kind::host, id}; }
template <typename State>
TextArg state(State s) { return {TextArg::Kind::state, static_cast<std::uint32_t>(s)}; }
inline TextArg dns_name(std::uint32_t vm) { return {TextArg::Kind::dns_name, vm}; }
inline TextArg subnet_path(std::uint32_t id) { return {TextArg::Kind::subnet_path, id}; }
inline TextArg subnet_prefix(std::uint32_t id) { return {TextArg::Kind::subnet_prefix, id}; }
inline TextArg subnet_where(std::uint32_t id) { return {TextArg::Kind::subnet_where, id}; }
inline TextArg address(Ipv4Address ip) { return {TextArg::Kind::address, ip.value()}; }
inline TextArg count(std::uint64_t n) { return {TextArg::Kind::count, static_cast<std::uint32_t>(n)}; }
/// A duration; one past 49 days with milliseconds is interned as its text.
TextArg duration(std::int64_t ms, TextTable& table);
inline TextArg text(std::string_view s, TextTable& table) { return {TextArg::Kind::text, table.intern(s)}; }
}  // namespace arg

/// A text's form: its format (a string literal, compared by address) and the kinds of its arguments.
struct TextForm {
    const char* format = nullptr;
    std::array<TextArg::Kind, 3> kinds{};  ///< none after the last argument
    /// Found once, when the form is registered: where each "{}" is (kNoHole past the last) and the
    /// format's length, so rendering copies the pieces between without searching for them.
    static constexpr std::uint16_t kNoHole = 0xffff;
    std::array<std::uint16_t, 3> holes{kNoHole, kNoHole, kNoHole};
    std::uint32_t length = 0;
};

/// Every form the process's texts take, each registered once and known by an id below kCapacity (0:
/// no text), so that a text holds two bytes where it would hold a pointer and three kinds. Ids follow
/// the order in which forms are first used and never reach an output, which renders the format.
/// Thread-safe: runs go on threads (sweeps, the reachability record). An entry is written before its
/// id is handed out and never changes, so looking up a registered form or reading one takes no lock;
/// only registering a new form does.
class TextForms {
public:
    /// Ids fit 15 bits: a Decision keeps its warning flag beside one.
    static constexpr std::size_t kCapacity = std::size_t{1} << 15;
    /// The id of the form (format, kinds), registered on first use; 0 for a null format. O(1)
    /// expected. Throws std::logic_error when kCapacity forms are taken (formats are the program's own
    /// literals: a few hundred). Inline, as every text made asks it: where the text is made its kinds
    /// are constants, and their part of the hash folds away.
    static std::uint16_t id(const char* format, const std::array<TextArg::Kind, 3>& kinds) {
        if (format == nullptr) return 0;
        for (std::size_t slot = first_slot(format, kinds);; slot = (slot + 1) % kSlots) {
            const std::uint16_t id = slots_[slot].load(std::memory_order_acquire);
            if (id == 0) return add(format, kinds, slot);
            if (is_form(id, format, kinds)) return id;
        }
    }
    /// The form of an id that id() returned.
    static const TextForm& at(std::uint16_t id) { return forms_[id]; }

private:
    // The index of the forms: open addressing over twice as many slots as there can be forms (never
    // more than half full), each slot 0 or the id of a form. A slot once set never changes. It is set
    // (release) after its form is written, so whoever reads an id from it (acquire) reads the form whole.
    static constexpr std::size_t kSlots = 2 * kCapacity;
    // Where a form's probe starts: Fibonacci hashing of the format's address and the kinds.
    static std::size_t first_slot(const char* format, const std::array<TextArg::Kind, 3>& kinds) {
        std::uint64_t key = reinterpret_cast<std::uintptr_t>(format);
        for (TextArg::Kind k : kinds) key = key * 31 + static_cast<std::uint8_t>(k);
        return static_cast<std::size_t>((key * 0x9E3779B97F4A7C15ULL) >> (64 - std::countr_zero(kSlots)));
    }
    static bool is_form(std::uint16_t id, const char* format, const std::array<TextArg::Kind, 3>& kinds) {
        return forms_[id].format == format && forms_[id].kinds == kinds;
    }
    /// Registers the form under a lock, probing on from `slot`, the empty slot id() came to (another
    /// thread may have registered it meanwhile: then its id).
    static std::uint16_t add(const char* format, const std::array<TextArg::Kind, 3>& kinds, std::size_t slot);

    static TextForm forms_[kCapacity];
    static std::atomic<std::uint16_t> slots_[kSlots];
};

class Text {
public:
    Text() = default;
    /// A fixed text (a literal: only its address is kept).
    Text(const char* literal) : form_(TextForms::id(literal, {})) {}  // NOLINT: implicit, so {Rule::X, "..."} reads as before
    /// `format` (a literal) with one "{}" per argument, in order.
    template <typename... A>
        requires(sizeof...(A) >= 1 && sizeof...(A) <= 3)
    Text(const char* format, A... args) {
        std::array<TextArg::Kind, 3> kinds{};
        std::size_t i = 0;
        ((kinds[i] = args.kind, values_[i] = args.value, ++i), ...);
        form_ = TextForms::id(format, kinds);
    }

    bool empty() const { return form_ == 0 || *format() == '\0'; }
    const char* format() const { return TextForms::at(form_).format; }
    const TextForm& form() const { return TextForms::at(form_); }
    std::size_t arg_count() const {
        const auto& kinds = TextForms::at(form_).kinds;
        std::size_t n = 0;
        while (n < kinds.size() && kinds[n] != TextArg::Kind::none) ++n;
        return n;
    }
    TextArg arg(std::size_t i) const { return {TextForms::at(form_).kinds[i], values_[i]}; }

    /// The same form with the same values: the same words once rendered against one world.
    bool operator==(const Text&) const = default;
    /// Mixes the form and the values (for a cache of rendered texts).
    std::uint64_t hash() const {
        std::uint64_t h = form_;
        for (std::uint32_t v : values_) h = (h ^ v) * 0x9E3779B97F4A7C15ULL;
        return h ^ (h >> 29);
    }

private:
    friend struct Decision;  // holds a form and values of its own, beside its rule
    Text(std::uint16_t form, const std::array<std::uint32_t, 3>& values) : form_(form), values_(values) {}

    std::uint16_t form_ = 0;  ///< a TextForms id
    std::array<std::uint32_t, 3> values_{};
};

/// Free text as a Text: for what is composed of lists and names once in a while (a refusal, a
/// plan's summary), interned so that the same text is held once however often it is said.
inline Text interned(std::string_view text, TextTable& table) { return Text{"{}", arg::text(text, table)}; }

/// Who names the entities a text refers to (the world, at the end of the run).
class TextNames {
public:
    virtual ~TextNames() = default;
    /// Appends the name of an entity or subnet argument (kinds vm … subnet_where).
    virtual void append_name(std::string& out, TextArg arg) const = 0;
};

/// Renders `text` onto `out`: each "{}" of the format replaced by its argument, entities named by
/// `names`, free text taken from `table`. A literal without arguments is copied as is.
void render_text(std::string& out, const Text& text, const TextTable& table, const TextNames& names);

}  // namespace drsim
