#pragma once
// What a log record or a decision says, held as data: a static format with "{}" where each argument
// goes, and up to three typed arguments — a VM, network, subnet, site … by id, an address, a count, a
// duration, or free text interned once in the run's TextTable. Nothing is formatted while the run
// goes; the outputs render a text when they write it (World::render), so a million records hold ids
// and numbers, not a million strings.
#include <array>
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

class Text {
public:
    Text() = default;
    /// A fixed text (a literal: only its address is kept).
    Text(const char* literal) : format_(literal) {}  // NOLINT: implicit, so {Rule::X, "..."} reads as before
    /// `format` (a literal) with one "{}" per argument, in order.
    template <typename... A>
        requires(sizeof...(A) >= 1 && sizeof...(A) <= 3)
    Text(const char* format, A... args) : format_(format) {
        std::size_t i = 0;
        ((kinds_[i] = args.kind, values_[i] = args.value, ++i), ...);
    }

    bool empty() const { return format_ == nullptr || *format_ == '\0'; }
    const char* format() const { return format_; }
    std::size_t arg_count() const {
        std::size_t n = 0;
        while (n < kinds_.size() && kinds_[n] != TextArg::Kind::none) ++n;
        return n;
    }
    TextArg arg(std::size_t i) const { return {kinds_[i], values_[i]}; }

private:
    const char* format_ = nullptr;
    std::array<std::uint32_t, 3> values_{};
    std::array<TextArg::Kind, 3> kinds_{};
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
