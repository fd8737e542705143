// docs/scenario.schema.json: every scenario under scenarios/ (and a small inline one) validates
// against it, deliberately wrong documents do not, and the schema stays within the constructs a
// minimal validator (the one below) and a YAML language server both understand.
#include <doctest/doctest.h>

#include <algorithm>
#include <charconv>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "sim/rules/rule_catalogue.hpp"
#include "sim/scenario/input_error.hpp"
#include "sim/scenario/scenario_loader.hpp"
#include "sim/scenario/yaml_reader.hpp"

using nlohmann::json;
namespace fs = std::filesystem;

namespace {

// ---- YAML -> JSON, from the loader's own YAML tree: plain scalars that read as booleans, integers
// or decimals become those types, null nodes (empty, `~`, `null`) become null; everything else (and
// every quoted scalar) stays a string.

json scalar_to_json(const drsim::YamlNode& node) {
    const std::string& text = node.text;
    if (node.quoted) return text;  // quoted or explicitly tagged: a string
    if (text == "true" || text == "True" || text == "TRUE") return true;
    if (text == "false" || text == "False" || text == "FALSE") return false;
    static const std::regex integer(R"(^-?[0-9]+$)");
    static const std::regex decimal(R"(^-?[0-9]+\.[0-9]+([eE][-+]?[0-9]+)?$)");
    if (std::regex_match(text, integer)) {
        if (text[0] == '-') {
            std::int64_t v = 0;
            auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
            if (ec == std::errc{}) return v;
        } else {
            std::uint64_t v = 0;
            auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
            if (ec == std::errc{}) return v;
        }
        return text;  // out of 64 bits: leave it to the schema to refuse as a string
    }
    if (std::regex_match(text, decimal)) return std::stod(text);
    return text;
}

json yaml_to_json(const drsim::YamlNode& node) {
    switch (node.type) {
        case drsim::YamlNode::Type::null: return nullptr;
        case drsim::YamlNode::Type::scalar: return scalar_to_json(node);
        case drsim::YamlNode::Type::sequence: {
            json out = json::array();
            for (const auto& item : node.items) out.push_back(yaml_to_json(item));
            return out;
        }
        case drsim::YamlNode::Type::mapping: {
            json out = json::object();
            for (std::size_t i = 0; i < node.entry_count(); ++i) out[node.key(i).text] = yaml_to_json(node.value(i));
            return out;
        }
    }
    return nullptr;
}

json yaml_text_to_json(const std::string& text) { return yaml_to_json(drsim::parse_yaml_document(text, "schema-test.yaml")); }

// ---- A minimal JSON Schema validator for exactly the constructs the schema may use.

class MiniValidator {
public:
    explicit MiniValidator(json schema) : root_(std::move(schema)) {}

    /// Errors found validating `instance`; empty when it is valid.
    std::vector<std::string> validate(const json& instance) const {
        std::vector<std::string> errors;
        check(root_, instance, "$", errors);
        return errors;
    }

    /// Every keyword used anywhere in the schema, for the "only these constructs" check.
    static void collect_keywords(const json& schema, std::set<std::string>& out) {
        if (!schema.is_object()) return;
        for (const auto& [key, value] : schema.items()) {
            out.insert(key);
            if (key == "properties" || key == "$defs") {
                for (const auto& [name, sub] : value.items()) collect_keywords(sub, out);
            } else if (key == "items" || key == "additionalProperties") {
                collect_keywords(value, out);
            } else if (key == "oneOf" || key == "anyOf") {
                for (const auto& sub : value) collect_keywords(sub, out);
            }
        }
    }

private:
    const json& resolve(const std::string& ref) const {
        const std::string prefix = "#/$defs/";
        REQUIRE_MESSAGE(ref.rfind(prefix, 0) == 0, "unsupported $ref " << ref);
        const json& defs = root_.at("$defs");
        REQUIRE_MESSAGE(defs.contains(ref.substr(prefix.size())), "dangling $ref " << ref);
        return defs.at(ref.substr(prefix.size()));
    }

    static bool has_type(const json& instance, const std::string& type) {
        if (type == "object") return instance.is_object();
        if (type == "array") return instance.is_array();
        if (type == "string") return instance.is_string();
        if (type == "boolean") return instance.is_boolean();
        if (type == "integer") return instance.is_number_integer();
        if (type == "number") return instance.is_number();
        if (type == "null") return instance.is_null();
        FAIL("unsupported type " << type);
        return false;
    }

    bool valid(const json& schema, const json& instance, const std::string& path) const {
        std::vector<std::string> ignored;
        check(schema, instance, path, ignored);
        return ignored.empty();
    }

    void check(const json& schema, const json& instance, const std::string& path, std::vector<std::string>& errors) const {
        if (schema.is_boolean()) {
            if (!schema.get<bool>()) errors.push_back(path + ": not allowed");
            return;
        }
        if (schema.contains("$ref")) check(resolve(schema["$ref"]), instance, path, errors);
        if (schema.contains("type")) {
            const json& type = schema["type"];
            bool ok = false;
            if (type.is_array()) {
                for (const auto& t : type) ok = ok || has_type(instance, t);
            } else {
                ok = has_type(instance, type);
            }
            if (!ok) {
                errors.push_back(path + ": expected type " + type.dump() + ", found " + instance.dump());
                return;
            }
        }
        if (schema.contains("enum") && std::find(schema["enum"].begin(), schema["enum"].end(), instance) == schema["enum"].end())
            errors.push_back(path + ": " + instance.dump() + " is not one of " + schema["enum"].dump());
        if (schema.contains("const") && instance != schema["const"])
            errors.push_back(path + ": expected " + schema["const"].dump() + ", found " + instance.dump());
        if (schema.contains("pattern") && instance.is_string()) {
            std::regex re(schema["pattern"].get<std::string>(), std::regex::ECMAScript);
            if (!std::regex_search(instance.get<std::string>(), re))
                errors.push_back(path + ": " + instance.dump() + " does not match " + schema["pattern"].dump());
        }
        if (instance.is_number()) {
            if (schema.contains("minimum") && instance.get<double>() < schema["minimum"].get<double>())
                errors.push_back(path + ": below minimum");
            if (schema.contains("maximum") && instance.get<double>() > schema["maximum"].get<double>())
                errors.push_back(path + ": above maximum");
        }
        if (instance.is_object()) {
            if (schema.contains("required"))
                for (const auto& key : schema["required"])
                    if (!instance.contains(key.get<std::string>())) errors.push_back(path + ": missing required " + key.dump());
            const json empty = json::object();
            const json& props = schema.contains("properties") ? schema["properties"] : empty;
            for (const auto& [key, value] : instance.items()) {
                if (props.contains(key)) {
                    check(props[key], value, path + "." + key, errors);
                } else if (schema.contains("additionalProperties")) {
                    const json& extra = schema["additionalProperties"];
                    if (extra.is_boolean() && !extra.get<bool>()) errors.push_back(path + ": unknown key '" + key + "'");
                    else check(extra, value, path + "." + key, errors);
                }
            }
        }
        if (instance.is_array() && schema.contains("items"))
            for (std::size_t i = 0; i < instance.size(); ++i) check(schema["items"], instance[i], path + "[" + std::to_string(i) + "]", errors);
        if (schema.contains("anyOf")) {
            bool any = false;
            for (const auto& sub : schema["anyOf"]) any = any || valid(sub, instance, path);
            if (!any) errors.push_back(path + ": matches none of anyOf " + instance.dump().substr(0, 120));
        }
        if (schema.contains("oneOf")) {
            int matches = 0;
            for (const auto& sub : schema["oneOf"]) matches += valid(sub, instance, path) ? 1 : 0;
            if (matches != 1)
                errors.push_back(path + ": matches " + std::to_string(matches) + " of oneOf (exactly one needed) " + instance.dump().substr(0, 120));
        }
    }

    json root_;
};

json load_schema() {
    std::ifstream in(fs::path(DRSIM_SOURCE_DIR) / "docs" / "scenario.schema.json");
    REQUIRE_MESSAGE(in.good(), "docs/scenario.schema.json is missing");
    return json::parse(in);
}

std::string join(const std::vector<std::string>& errors) {
    std::string out;
    for (const auto& e : errors) out += e + "\n";
    return out;
}

const char* small_scenario = R"(# yaml-language-server: $schema=../docs/scenario.schema.json
scenario: Small valid scenario
fabric: azure-to-azure
seed: 7
timing: {failover: 10m, vm_boot: {uniform: [1m, 3m]}, resync: {lognormal: {median: 30m, sigma: 0.5}}, shutdown: 0}
sites:
  - {name: East Asia, kind: azure, geo: Asia Pacific}
  - {name: Southeast Asia, kind: azure, geo: Asia Pacific}
  - {name: Branch, kind: onprem}
networks:
  - name: vnet-ea
    site: East Asia
    address_space: [10.0.0.0/16]
    subnets: [{name: app, prefix: 10.0.0.0/24}]
    outbound: {restricted: false, proxy: none}
    routes: [{prefix: 0.0.0.0/0, next_hop: internet}]
  - name: vnet-sea
    site: Southeast Asia
    subnets: [{name: app, prefix: 10.1.0.0/24}]
vms:
  - name: web1
    site: East Asia
    dns_name: web1.contoso.example
    app: shop
    nics: [{network: vnet-ea, subnet: app, ip: 10.0.0.19}]
  - name: "web-{01..03}"
    site: East Asia
    dns_name: "web{n}.contoso.example"
    nics: [{network: vnet-ea, subnet: app, ip: dhcp}]
connections:
  - {name: s2s, kind: vpn, between: [Branch, vnet-ea], local_prefixes: [192.168.0.0/16], routing: static}
recovery_plans:
  - name: rp-web
    groups: [[web1], ["web-{01..03}"]]
    steps: [{after_group: 1, dns_update: {name: app.contoso.example}}, {after_group: 2, manual: "check app"}, {after_group: 2, update_routes: {}}]
dns: {ttl: 5m, registration: dynamic}
clients: [{name: branch, site: Branch}]
events:
  - at: 0
    map_network: {source: vnet-ea, target: vnet-sea}
  - at: 1m
    enable_replication: {vm: web1, target_site: Southeast Asia}
  - at: 1m
    enable_replication: {vms: "web-*", target_site: Southeast Asia, target_network: vnet-sea}
  - at: 2h
    test_failover: {vm: web1, network: vnet-sea}
  - at: 2h5m
    expect: {vm: web1, instance: test, subnet: app, ip: 10.0.0.254}
  - at: 3h
    change_mapping: {source: vnet-ea, target: vnet-sea}
    expect_error: MAP-CHANGE-REVERSE-FIRST
  - at: 3h
    update_routes:
  - at: 4h
    expect:
      - {reachable: {from: branch, to: web1}, value: true}
      - {mapping: {source: vnet-ea, target: none}}
      - {network_exists: vnet-ea-asr, value: false}
  - at: end
    expect: {downtime: {app: shop, max: 1h}}
)";

}  // namespace

TEST_CASE("the schema uses only the constructs the minimal validator knows") {
    json schema = load_schema();
    CHECK(schema.at("$schema") == "https://json-schema.org/draft/2020-12/schema");
    std::set<std::string> used;
    MiniValidator::collect_keywords(schema, used);
    const std::set<std::string> allowed = {"$schema", "$id", "title", "type", "properties", "required", "additionalProperties",
                                           "items", "enum", "const", "oneOf", "anyOf", "pattern", "minimum", "maximum",
                                           "$ref", "$defs", "description"};
    for (const auto& keyword : used) {
        CAPTURE(keyword);
        CHECK(allowed.count(keyword) == 1);
    }
}

TEST_CASE("the schema's rule ids are exactly the catalogue's") {
    json schema = load_schema();
    std::set<std::string> in_schema;
    for (const auto& id : schema.at("$defs").at("ruleId").at("enum")) in_schema.insert(id.get<std::string>());
    std::set<std::string> in_catalogue;
    for (const auto& rule : drsim::all_rules()) in_catalogue.insert(std::string{rule.id});
    CHECK(in_schema == in_catalogue);
}

TEST_CASE("the YAML to JSON conversion keeps types where the schema needs them") {
    json j = yaml_text_to_json("a: 0\nb: '0'\nc: true\nd: 90s\ne: 0.5\nf:\ng: 10.0.0.4\nh: 18446744073709551615\n");
    CHECK(j["a"].is_number_integer());
    CHECK(j["b"].is_string());
    CHECK(j["c"].is_boolean());
    CHECK(j["d"] == "90s");
    CHECK(j["e"].is_number_float());
    CHECK(j["f"].is_null());
    CHECK(j["g"] == "10.0.0.4");
    CHECK(j["h"].get<std::uint64_t>() == 18446744073709551615ULL);
}

TEST_CASE("a small inline scenario and every scenario under scenarios/ validate") {
    MiniValidator validator(load_schema());
    auto inline_errors = validator.validate(yaml_text_to_json(small_scenario));
    CHECK_MESSAGE(inline_errors.empty(), join(inline_errors));
    // The schema and the loader agree on it: the loader accepts it too.
    try {
        CHECK(drsim::load_scenario_text(small_scenario, "inline.yaml").vms.size() == 4);
    } catch (const drsim::InputError& e) {
        FAIL_CHECK("the loader refuses the inline scenario: " << e.what());
    }

    const fs::path dir = fs::path(DRSIM_SOURCE_DIR) / "scenarios";
    int files = 0;
    if (fs::is_directory(dir)) {
        for (const auto& entry : fs::recursive_directory_iterator(dir)) {
            if (!entry.is_regular_file() || entry.path().extension() != ".yaml") continue;
            ++files;
            CAPTURE(entry.path().string());
            std::ifstream in(entry.path());
            std::stringstream text;
            text << in.rdbuf();
            json document;
            try {
                document = yaml_text_to_json(text.str());
            } catch (const drsim::InputError& e) {
                FAIL_CHECK("not YAML: " << e.what());
                continue;
            }
            auto errors = validator.validate(document);
            CHECK_MESSAGE(errors.empty(), join(errors));
        }
    }
    MESSAGE("validated " << files << " scenario file(s) under scenarios/ plus the inline one");
}

TEST_CASE("optional keys given an empty value count as absent, for the schema as for the loader") {
    MiniValidator validator(load_schema());
    const std::string text =
        "scenario: x\ndescription:\nseed:\nfabric:\ntiming: {failover: , vm_boot: 2m}\ndns:\n"
        "sites: [{name: A, kind: azure, geo: }, {name: B, kind: azure}]\n"
        "networks: [{name: n, site: A, address_space: , subnets: [{name: s, prefix: 10.0.0.0/24, pool: }]}]\n"
        "vms:\nevents:\nvariants:\n";
    // In variants too: an empty patch changes nothing; an empty events_replace or remove is absent.
    const std::string with_variants = text.substr(0, text.size() - std::string{"variants:\n"}.size()) +
                                      "variants:\n  - {name: same, patch: }\n"
                                      "  - {name: kept, patch: {events_replace: , sites: [{name: B, remove: , geo: Europe}]}}\n";
    CHECK_MESSAGE(validator.validate(yaml_text_to_json(with_variants)).empty(), join(validator.validate(yaml_text_to_json(with_variants))));
    try {
        const drsim::ScenarioDocument doc = drsim::ScenarioDocument::from_text(with_variants, "empty.yaml");
        REQUIRE(doc.variants().size() == 2);
        CHECK(doc.load("same").sites.size() == 2);
        const drsim::Scenario kept = doc.load("kept");
        REQUIRE(kept.sites.size() == 2);
        CHECK(kept.sites[1].geo == "Europe");
    } catch (const drsim::InputError& e) {
        FAIL_CHECK("the loader refuses empty values in variants: " << e.what());
    }
    auto errors = validator.validate(yaml_text_to_json(text));
    CHECK_MESSAGE(errors.empty(), join(errors));
    try {
        const drsim::Scenario s = drsim::load_scenario_text(text, "empty.yaml");
        CHECK(s.sites.size() == 2);
        CHECK(s.timing.failover == drsim::Timing{}.failover);  // empty: the default
    } catch (const drsim::InputError& e) {
        FAIL_CHECK("the loader refuses empty optional values: " << e.what());
    }
    CHECK(drsim::ScenarioDocument::from_text(text, "empty.yaml").variants().empty());
}

TEST_CASE("deliberately wrong documents are rejected") {
    MiniValidator validator(load_schema());
    const std::string good = "scenario: x\nsites: [{name: A, kind: azure}]\n";
    REQUIRE(validator.validate(yaml_text_to_json(good)).empty());

    auto rejected = [&](const std::string& text, const std::string& fragment) {
        CAPTURE(text);
        auto errors = validator.validate(yaml_text_to_json(text));
        REQUIRE_FALSE(errors.empty());
        CHECK_MESSAGE(join(errors).find(fragment) != std::string::npos, join(errors));
    };
    rejected(good + "sties: []\n", "unknown key 'sties'");
    rejected(good + "events:\n  - failover: {vm: web1}\n", "matches 0 of oneOf");
    rejected(good + "events:\n  - {at: 1h, failover: {vm: w}, commit: {vm: w}}\n", "matches 0 of oneOf");
    rejected(good + "events:\n  - {at: 1h, failover: {vm: w, vms: all}}\n", "matches 0 of oneOf");
    rejected(good + "events:\n  - {at: 1h, expect: {vm: w, running: true}, expect_error: MAP-CREATE}\n", "matches 0 of oneOf");
    rejected(good + "events:\n  - {at: 90, site_down: {site: A}}\n", "matches 0 of oneOf");
    rejected(good + "events:\n  - {at: 1h, failover: {vm: w}, expect_error: NO-SUCH-RULE}\n", "matches 0 of oneOf");
    rejected("sites: [{name: A, kind: azure}]\n", "missing required \"scenario\"");
    rejected("scenario: x\nsites: [{name: A, kind: cloud}]\n", "is not one of");
    rejected(good + "timing: {failover: 1.5h}\n", "matches none of anyOf");
    rejected(good + "timing: {failover: 30m1h}\n", "matches none of anyOf");
    rejected(good + "networks: [{name: n, site: A, address_space: [10.0.0/16]}]\n", "does not match");
    rejected(good + "vms: [{name: v, site: A}]\n", "missing required \"nics\"");
    rejected(good + "seed: -1\n", "below minimum");
    rejected(good + "events:\n  - {at: 1h, expect: {vm: w, nic: 17, running: true}}\n", "matches 0 of oneOf");
    rejected(good + "events:\n  - {at: 1h, expect: {vm: w}}\n", "matches 0 of oneOf");
}
