#include "sim/log/text.hpp"

#include <mutex>
#include <stdexcept>

#include "engine/sim_time.hpp"

namespace drsim {

TextForm TextForms::forms_[TextForms::kCapacity];
std::atomic<std::uint16_t> TextForms::slots_[TextForms::kSlots];

namespace {

std::mutex g_registering;      // held to register a form
std::size_t g_form_count = 1;  // under g_registering; id 0 is no text

}  // namespace

std::uint16_t TextForms::add(const char* format, const std::array<TextArg::Kind, 3>& kinds, std::size_t slot) {
    const std::lock_guard lock{g_registering};
    for (;; slot = (slot + 1) % kSlots) {
        const std::uint16_t id = slots_[slot].load(std::memory_order_acquire);
        if (id == 0) break;
        if (is_form(id, format, kinds)) return id;
    }
    if (g_form_count == kCapacity) throw std::logic_error("more than 32,767 text forms (TextForms::kCapacity)");
    const auto id = static_cast<std::uint16_t>(g_form_count++);
    TextForm form{format, kinds};
    const std::string_view f{format};
    form.length = static_cast<std::uint32_t>(f.size());
    std::size_t from = 0;
    for (std::size_t i = 0; i < kinds.size() && kinds[i] != TextArg::Kind::none; ++i) {
        const std::size_t at = f.find("{}", from);
        if (at == std::string_view::npos || at >= TextForm::kNoHole) break;
        form.holes[i] = static_cast<std::uint16_t>(at);
        from = at + 2;
    }
    forms_[id] = form;
    slots_[slot].store(id, std::memory_order_release);
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
    const TextForm& form = text.form();
    if (form.format == nullptr) return;
    std::size_t from = 0;  // the start of the piece of the format not yet copied
    for (std::size_t i = 0; i < form.holes.size() && form.holes[i] != TextForm::kNoHole; ++i) {
        out.append(form.format + from, form.holes[i] - from);
        append_arg(out, text.arg(i), table, names);
        from = form.holes[i] + std::size_t{2};
    }
    out.append(form.format + from, form.length - from);
}

}  // namespace drsim
