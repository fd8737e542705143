#include "sim/scenario/variants.hpp"

#include <algorithm>
#include <array>
#include <string_view>
#include <unordered_map>

#include "sim/scenario/input_error.hpp"

namespace drsim {

namespace {

// The lists whose items merge by `name` (SPEC §11); `subnets` sits inside a network.
constexpr std::array<std::string_view, 8> kNamedLists = {"sites",       "networks", "subnets",        "vms",
                                                         "circuits",    "connections", "recovery_plans", "clients"};

bool is_named_list(std::string_view key) { return std::find(kNamedLists.begin(), kNamedLists.end(), key) != kNamedLists.end(); }

[[noreturn]] void fail(const std::string& file, Location loc, const std::string& message) {
    throw InputError(file, loc.line, loc.column, message);
}

YamlNode* find_value(YamlNode& mapping, std::string_view key) {
    for (std::size_t i = 0; i + 1 < mapping.items.size(); i += 2)
        if (mapping.items[i].text == key) return &mapping.items[i + 1];
    return nullptr;
}

const YamlNode& require_mapping(const YamlNode& node, const std::string& file, const std::string& what) {
    if (!node.is_mapping()) fail(file, node.loc, what + ": expected a mapping, found " + describe_node(node));
    return node;
}

std::string name_of(const YamlNode& item) {
    const YamlNode* n = item.is_mapping() ? item.find("name") : nullptr;
    return n && n->is_scalar() ? n->text : std::string{};
}

bool removes(const YamlNode& item) {
    const YamlNode* r = item.find("remove");
    return r && r->is_scalar() && r->text == "true";
}

void merge(YamlNode& base, const YamlNode& patch, std::string_view key, const std::string& file);

// A list of named items: merged by name; an item of the patch without a name is refused.
void merge_named(YamlNode& base, const YamlNode& patch, std::string_view key, const std::string& file) {
    if (!patch.is_sequence()) fail(file, patch.loc, "'" + std::string{key} + "' in a patch: expected a list, found " + describe_node(patch));
    if (!base.is_sequence()) {
        base = patch;
        return;
    }
    std::unordered_map<std::string, std::size_t> index;
    for (std::size_t i = 0; i < base.items.size(); ++i) index.emplace(name_of(base.items[i]), i);
    std::vector<bool> removed(base.items.size(), false);
    for (const YamlNode& item : patch.items) {
        const std::string name = name_of(item);
        if (name.empty())
            fail(file, item.loc, "an item of '" + std::string{key} + "' in a patch needs a 'name' (items merge by name)");
        auto it = index.find(name);
        // `remove:` is the patch's word, not the item's: true removes it; false or empty (absent)
        // merges the rest of the item.
        const YamlNode* remove = item.find("remove");
        if (remove && !remove->is_null() && !(remove->is_scalar() && (remove->text == "true" || remove->text == "false")))
            fail(file, remove->loc, "'remove': expected true or false, found " + describe_node(*remove));
        if (removes(item)) {
            if (it == index.end() || removed[it->second]) {
                std::vector<std::string> names;
                for (const auto& [n, i] : index)
                    if (!removed[i]) names.push_back(n);
                std::sort(names.begin(), names.end());
                fail(file, item.loc, "cannot remove '" + name + "': the scenario has no such item in '" + std::string{key} + "'" +
                                         did_you_mean(closest_name(name, names)));
            }
            removed[it->second] = true;
            continue;
        }
        YamlNode merged = item;
        if (remove)
            for (std::size_t i = 0; i + 1 < merged.items.size(); i += 2)
                if (merged.items[i].text == "remove") {
                    merged.items.erase(merged.items.begin() + static_cast<std::ptrdiff_t>(i),
                                       merged.items.begin() + static_cast<std::ptrdiff_t>(i) + 2);
                    break;
                }
        if (it != index.end() && !removed[it->second]) {
            merge(base.items[it->second], merged, key, file);
        } else {
            index[name] = base.items.size();
            base.items.push_back(std::move(merged));
            removed.push_back(false);
        }
    }
    std::vector<YamlNode> kept;
    kept.reserve(base.items.size());
    for (std::size_t i = 0; i < base.items.size(); ++i)
        if (!removed[i]) kept.push_back(std::move(base.items[i]));
    base.items = std::move(kept);
}

// Patch `patch` into `base` (the value of `key`): mappings key by key, named lists by name,
// anything else replaced.
void merge(YamlNode& base, const YamlNode& patch, std::string_view key, const std::string& file) {
    if (is_named_list(key) && patch.is_sequence()) {
        merge_named(base, patch, key, file);
        return;
    }
    if (!base.is_mapping() || !patch.is_mapping()) {
        base = patch;
        return;
    }
    for (std::size_t i = 0; i + 1 < patch.items.size(); i += 2) {
        const YamlNode& k = patch.items[i];
        const YamlNode& v = patch.items[i + 1];
        if (YamlNode* existing = find_value(base, k.text)) {
            merge(*existing, v, k.text, file);
        } else {
            base.items.push_back(k);
            base.items.push_back(v);
        }
    }
}

// An empty `variants:` counts as absent, as any optional key given an empty value does.
const YamlNode* variants_node(const YamlNode& root) {
    const YamlNode* list = root.is_mapping() ? root.find("variants") : nullptr;
    return list && !list->is_null() ? list : nullptr;
}

}  // namespace

std::vector<VariantInfo> variants_of(const YamlNode& root, const std::string& file) {
    std::vector<VariantInfo> out;
    const YamlNode* list = variants_node(root);
    if (!list) return out;
    if (!list->is_sequence()) fail(file, list->loc, "'variants': expected a list of {name, description, patch}, found " + describe_node(*list));
    for (const YamlNode& v : list->items) {
        require_mapping(v, file, "a variant");
        for (std::size_t i = 0; i < v.entry_count(); ++i) {
            const std::string& k = v.key(i).text;
            if (k != "name" && k != "description" && k != "patch")
                fail(file, v.key(i).loc, "unknown key '" + k + "' in a variant; valid keys: name, description, patch" +
                                             did_you_mean(closest_name(k, std::array<std::string_view, 3>{"name", "description", "patch"})));
        }
        const YamlNode* name = v.find("name");
        if (!name || !name->is_scalar() || name->text.empty()) fail(file, v.loc, "a variant needs a 'name'");
        if (name->text == "base") fail(file, name->loc, "'base' names the scenario without a patch; give the variant another name");
        for (const auto& other : out)
            if (other.name == name->text)
                fail(file, name->loc, "duplicate variant '" + name->text + "' (first at line " + std::to_string(other.loc.line) + ")");
        const YamlNode* patch = v.find("patch");
        if (!patch) fail(file, v.loc, "variant '" + name->text + "' needs a 'patch' (a mapping of what it changes)");
        if (!patch->is_null()) require_mapping(*patch, file, "'patch' of variant '" + name->text + "'");  // empty: no change
        if (const YamlNode* nested = patch->find("variants")) fail(file, nested->loc, "a patch cannot declare variants");
        const YamlNode* description = v.find("description");
        out.push_back({name->text, description && description->is_scalar() ? description->text : "", v.loc});
    }
    return out;
}

YamlNode apply_variant(const YamlNode& root, const std::string& name, const std::string& file) {
    YamlNode doc = root;
    if (doc.is_mapping()) {
        // The document as the builder reads it: no `variants`.
        for (std::size_t i = 0; i + 1 < doc.items.size(); i += 2)
            if (doc.items[i].text == "variants") {
                doc.items.erase(doc.items.begin() + static_cast<std::ptrdiff_t>(i), doc.items.begin() + static_cast<std::ptrdiff_t>(i) + 2);
                break;
            }
    }
    if (name.empty() || name == "base") return doc;
    const std::vector<VariantInfo> variants = variants_of(root, file);
    auto it = std::find_if(variants.begin(), variants.end(), [&](const VariantInfo& v) { return v.name == name; });
    if (it == variants.end()) {
        std::vector<std::string> names;
        for (const auto& v : variants) names.push_back(v.name);
        std::string list;
        for (const auto& n : names) list += (list.empty() ? "" : ", ") + n;
        throw InputError("unknown variant '" + name + "' of " + file + (names.empty() ? ": it declares none" : "; variants: " + list) +
                         did_you_mean(closest_name(name, names)));
    }
    const YamlNode& patch = *variants_node(root)->items[static_cast<std::size_t>(it - variants.begin())].find("patch");
    bool replace_events = false;
    for (std::size_t i = 0; i + 1 < patch.items.size(); i += 2) {
        const YamlNode& k = patch.items[i];
        const YamlNode& v = patch.items[i + 1];
        if (k.text == "events_replace") {
            if (v.is_null()) continue;  // empty: absent, false
            if (!v.is_scalar() || (v.text != "true" && v.text != "false"))
                fail(file, v.loc, "'events_replace': expected true or false, found " + describe_node(v));
            replace_events = v.text == "true";
        }
    }
    for (std::size_t i = 0; i + 1 < patch.items.size(); i += 2) {
        const YamlNode& k = patch.items[i];
        const YamlNode& v = patch.items[i + 1];
        if (k.text == "events_replace") continue;
        YamlNode* existing = find_value(doc, k.text);
        if (k.text == "events" && existing && !replace_events) {
            // Added to the base's events: the run orders them by time.
            if (!v.is_sequence()) fail(file, v.loc, "'events' in a patch: expected a list, found " + describe_node(v));
            if (!existing->is_sequence()) {
                *existing = v;
                continue;
            }
            existing->items.insert(existing->items.end(), v.items.begin(), v.items.end());
        } else if (existing) {
            if (k.text == "events") *existing = v;
            else merge(*existing, v, k.text, file);
        } else {
            doc.items.push_back(k);
            doc.items.push_back(v);
        }
    }
    return doc;
}

}  // namespace drsim
