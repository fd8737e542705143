#include "sim/log/text.hpp"

#include <atomic>
#include <bit>
#include <mutex>
#include <stdexcept>

#include "engine/sim_time.hpp"

namespace drsim {

TextForm TextForms::forms_[TextForms::kCapacity];

namespace {

// The index of the forms: open addressing over twice as many slots as there can be forms (never more
// than half full), each slot 0 or the id of a form. A slot once set never changes. It is set (release)
// after its form is written, so whoever reads an id from it (acquire) reads the form complete.
constexpr std::size_t kFormSlots = 2 * TextForms::kCapacity;
std::atomic<std::uint16_t> g_form_slots[kFormSlots];
std::mutex g_registering;      // held to register a form
std::size_t g_form_count = 1;  // under g_registering; id 0 is no text

// Where a form's probe starts: Fibonacci hashing of the format's address and the kinds.
std::size_t first_slot(const char* format, const std::array<TextArg::Kind, 3>& kinds) {
    std::uint64_t key = reinterpret_cast<std::uintptr_t>(format);
    for (TextArg::Kind k : kinds) key = key * 31 + static_cast<std::uint8_t>(k);
    return static_cast<std::size_t>((key * 0x9E3779B97F4A7C15ULL) >> (64 - std::countr_zero(kFormSlots)));
}

}  // namespace

std::uint16_t TextForms::id(const char* format, const std::array<TextArg::Kind, 3>& kinds) {
    if (format == nullptr) return 0;
    const auto is_it = [&](std::uint16_t id) { return forms_[id].format == format && forms_[id].kinds == kinds; };
    // Probe without the lock up to the first empty slot: a form registered before is found there.
    std::size_t slot = first_slot(format, kinds);
    for (;; slot = (slot + 1) % kFormSlots) {
        const std::uint16_t id = g_form_slots[slot].load(std::memory_order_acquire);
        if (id == 0) break;
        if (is_it(id)) return id;
    }
    // Not there: under the lock, go on from that slot (another thread may have registered it since).
    const std::lock_guard lock{g_registering};
    for (;; slot = (slot + 1) % kFormSlots) {
        const std::uint16_t id = g_form_slots[slot].load(std::memory_order_acquire);
        if (id == 0) break;
        if (is_it(id)) return id;
    }
    if (g_form_count == kCapacity) throw std::logic_error("more than 32,767 text forms (TextForms::kCapacity)");
    const auto id = static_cast<std::uint16_t>(g_form_count++);
    forms_[id] = {format, kinds};
    g_form_slots[slot].store(id, std::memory_order_release);
    return id;
}

std::uint32_t TextTable::intern(std::string_view text) {
    if (auto it = index_.find(text); it != index_.end()) return it->second;
    const auto index = static_cast<std::uint32_t>(texts_.size());
    const std::string& held = texts_.emplace_back(text);
    index_.emplace(held, index);
    return index;
}

namespace arg {

TextArg duration(std::int64_t ms, TextTable& table) {
    if (ms >= 0 && ms <= 0xffffffffLL) return {TextArg::Kind::duration_ms, static_cast<std::uint32_t>(ms)};
    if (ms >= 0 && ms % 1000 == 0 && ms / 1000 <= 0xffffffffLL)
        return {TextArg::Kind::duration_s, static_cast<std::uint32_t>(ms / 1000)};
    return text(engine::format_duration(ms), table);
}

}  // namespace arg

namespace {

void append_arg(std::string& out, TextArg a, const TextTable& table, const TextNames& names) {
    using K = TextArg::Kind;
    switch (a.kind) {
        case K::none: return;
        case K::address: out += Ipv4Address{a.value}.to_string(); return;
        case K::count: out += std::to_string(a.value); return;
        case K::duration_ms: out += engine::format_duration(static_cast<std::int64_t>(a.value)); return;
        case K::duration_s: out += engine::format_duration(static_cast<std::int64_t>(a.value) * 1000); return;
        case K::text: out += table.at(a.value); return;
        default: names.append_name(out, a); return;
    }
}

}  // namespace

void render_text(std::string& out, const Text& text, const TextTable& table, const TextNames& names) {
    const char* f = text.format();
    if (f == nullptr) return;
    const std::size_t args = text.arg_count();
    if (args == 0) {
        out += f;
        return;
    }
    std::string_view rest{f};
    for (std::size_t i = 0; i < args; ++i) {
        const std::size_t at = rest.find("{}");
        if (at == std::string_view::npos) break;
        out.append(rest.substr(0, at));
        append_arg(out, text.arg(i), table, names);
        rest.remove_prefix(at + 2);
    }
    out.append(rest);
}

}  // namespace drsim
