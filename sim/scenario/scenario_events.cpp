// The `events:` section of a scenario: timed operations and `expect` checks (SPEC §9).
#include <algorithm>
#include <array>
#include <unordered_set>

#include "sim/rules/rule_catalogue.hpp"
#include "sim/scenario/scenario_loader.hpp"
#include "sim/scenario/input_error.hpp"
#include "sim/scenario/scenario_builder.hpp"

namespace drsim::detail {

namespace {

struct OpName {
    std::string_view name;
    OpKind kind;
};

constexpr OpName op_names[] = {
    {"map_network", OpKind::map_network},
    {"change_mapping", OpKind::change_mapping},
    {"delete_mapping", OpKind::delete_mapping},
    {"enable_replication", OpKind::enable_replication},
    {"update_replication", OpKind::update_replication},
    {"disable_replication", OpKind::disable_replication},
    {"failover", OpKind::failover},
    {"test_failover", OpKind::test_failover},
    {"cleanup_test_failover", OpKind::cleanup_test_failover},
    {"commit", OpKind::commit},
    {"reprotect", OpKind::reprotect},
    {"failback", OpKind::failback},
    {"set_vm_network", OpKind::set_vm_network},
    {"subnet_failover", OpKind::subnet_failover},
    {"update_routes", OpKind::update_routes},
    {"connect", OpKind::connect},
    {"disconnect", OpKind::disconnect},
    {"site_down", OpKind::site_down},
    {"site_up", OpKind::site_up},
    {"broadcast_storm", OpKind::broadcast_storm},
    {"peering_location_down", OpKind::peering_location_down},
    {"peering_location_up", OpKind::peering_location_up},
    {"delete_vm", OpKind::delete_vm},
    {"dns_update", OpKind::dns_update},
    {"create_resources", OpKind::create_resources},
    {"expect", OpKind::expect},
};

std::optional<OpKind> find_op(std::string_view key) {
    for (const auto& op : op_names)
        if (op.name == key) return op.kind;
    return std::nullopt;
}

constexpr std::string_view vm_check_properties[] = {"site", "network", "subnet", "ip", "state", "running", "exists", "host", "health"};
constexpr std::string_view check_kinds[] = {"vm", "mapping", "network_exists", "reachable", "downtime"};

}  // namespace

void ScenarioBuilder::read_events(const YamlNode& node) {
    for (const YamlNode& item : sequence(node, "events").items) read_event(item);
}

void ScenarioBuilder::read_event(const YamlNode& node) {
    if (!node.is_mapping()) fail(node.loc, "expected a mapping (an event: at, one operation), found " + describe_node(node));
    std::vector<std::string_view> allowed = {"at", "expect_error"};
    for (const auto& op : op_names) allowed.push_back(op.name);

    const YamlNode* op_key = nullptr;
    for (std::size_t i = 0; i < node.entry_count(); ++i) {
        const YamlNode& key = node.key(i);
        if (key.text == "at" || key.text == "expect_error") continue;
        if (!find_op(key.text)) unknown_key(key, "an event", allowed);
        if (op_key)
            fail(key.loc, "an event has exactly one operation; found '" + op_key->text + "' and '" + key.text +
                              "' (put each in its own event)");
        op_key = &key;
    }
    if (!op_key) {
        std::string found;
        for (std::size_t i = 0; i < node.entry_count(); ++i) found += (found.empty() ? "'" : ", '") + node.key(i).text + "'";
        fail(node.loc, "an event needs one operation (map_network, enable_replication, failover, expect, ...); found only " +
                           (found.empty() ? std::string{"nothing"} : found));
    }

    EventSpec event;
    event.loc = node.loc;
    const YamlNode* at = node.find("at");
    if (!at) fail(node.loc, "missing required key 'at' in an event (when it happens: a duration like 90s, or 'end')");
    if (at->is_scalar() && at->text == "end") {
        event.at_end = true;
    } else {
        // `at` is a duration or the word end: a near miss of the word (END, ned) is named as one.
        if (at->is_scalar() && !parse_duration(at->text) && closest_name(at->text, std::array<std::string_view, 1>{"end"}) == "end")
            fail(at->loc, "'at': expected a duration (like 90s, 5m, 1h30m) or 'end', found '" + at->text + "' (did you mean 'end'?)");
        event.at = duration(*at, "at");
    }

    OpKind kind = *find_op(op_key->text);
    if (const YamlNode* err = node.find("expect_error")) {
        const YamlNode* err_key = nullptr;
        for (std::size_t i = 0; i < node.entry_count(); ++i)
            if (node.key(i).text == "expect_error") err_key = &node.key(i);
        if (kind == OpKind::expect)
            fail(err_key->loc, "'expect_error' cannot go with 'expect': a check is not an operation that can be refused");
        std::string id = name(*err, "expect_error");
        if (!find_rule(id)) {
            std::vector<std::string_view> ids;
            for (const auto& rule : all_rules()) ids.push_back(rule.id);
            fail(err->loc, "'expect_error': unknown rule id '" + id + "'" + did_you_mean(closest_name(id, ids)) +
                               " (see docs/rules.md for the catalogue)");
        }
        event.expect_error = id;
        event.expect_error_loc = err->loc;
    }
    read_operation(kind, *op_key, *node.find(op_key->text), event);
    s_.events.push_back(std::move(event));
}

void ScenarioBuilder::read_faults(const YamlNode& node) {
    static const std::vector<std::string_view> kinds = {"site_down", "peering_location_down", "broadcast_storm", "disconnect"};
    for (const YamlNode& item : sequence(node, "faults").items) {
        auto f = fields(item, "a fault", {"site_down", "peering_location_down", "broadcast_storm", "disconnect", "probability", "at",
                                          "duration"});
        const YamlNode* op_key = nullptr;
        for (std::size_t i = 0; i < item.entry_count(); ++i) {
            const YamlNode& key = item.key(i);
            if (std::find(kinds.begin(), kinds.end(), key.text) == kinds.end()) continue;
            if (op_key) fail(key.loc, "a fault has exactly one of site_down, peering_location_down, broadcast_storm or disconnect; found '" + op_key->text + "' and '" + key.text + "'");
            op_key = &key;
        }
        if (!op_key) fail(item.loc, "a fault needs one of site_down, peering_location_down, broadcast_storm or disconnect");
        FaultSpec fault;
        fault.loc = item.loc;
        fault.event.loc = item.loc;
        read_operation(*find_op(op_key->text), *op_key, *item.find(op_key->text), fault.event);
        const YamlNode& p = f.req("probability");
        fault.probability = number(p, "probability");
        if (!(fault.probability >= 0.0 && fault.probability <= 1.0))
            fail(p.loc, "'probability': expected a number from 0 to 1, found " + describe_node(p));
        fault.at = distribution(f.req("at"), "at");
        if (auto* d = f.opt("duration")) fault.duration = distribution(*d, "duration");
        s_.faults.push_back(std::move(fault));
    }
}

std::size_t ScenarioBuilder::event_network(const YamlNode& node, std::string_view key) const {
    std::string text = name(node, key);
    if (auto i = networks_.find(text)) return *i;
    // Networks drsim creates at run time (MAP-AUTO-ASR-NETWORK) may be named in events.
    constexpr std::string_view suffix = "-asr";
    if (text.size() > suffix.size() && text.compare(text.size() - suffix.size(), suffix.size(), suffix) == 0)
        if (auto i = networks_.find(text.substr(0, text.size() - suffix.size()))) return *i;
    // ... and the isolated networks of MAP-NONE-AZURE: isolated-<plan or VM>-<network>.
    constexpr std::string_view prefix = "isolated-";
    if (text.compare(0, prefix.size(), prefix) == 0)
        for (auto dash = text.find('-', prefix.size()); dash != std::string::npos; dash = text.find('-', dash + 1))
            if (auto i = networks_.find(text.substr(dash + 1))) return *i;
    fail(node.loc, "unknown network '" + text + "'" + did_you_mean(networks_.closest(text)) +
                       " (events may also name '<network>-asr' and 'isolated-<plan>-<network>', networks drsim creates)");
}

void ScenarioBuilder::read_vm_target(const Fields& f, OperationSpec& op, std::string_view op_name) {
    const YamlNode* target_key = nullptr;
    for (std::size_t i = 0; i < f.node().entry_count(); ++i) {
        const YamlNode& key = f.node().key(i);
        if (key.text != "vm" && key.text != "recovery_plan" && key.text != "vms") continue;
        if (target_key)
            fail(key.loc, "'" + std::string{op_name} + "' takes exactly one of 'vm', 'recovery_plan' or 'vms'; found '" +
                              target_key->text + "' and '" + key.text + "'");
        target_key = &key;
    }
    if (!target_key) fail(f.node().loc, "'" + std::string{op_name} + "' needs its VMs: one of 'vm', 'recovery_plan' or 'vms'");
    const YamlNode& value = *f.node().find(target_key->text);
    if (target_key->text == "vm") op.vm = s_.vms[vm_index(value, "vm")].name;
    else if (target_key->text == "recovery_plan") op.recovery_plan = s_.recovery_plans[resolve(plans_, value, "recovery_plan", "recovery plan")].name;
    else op.vms = read_selector(value);
}

VmSelector ScenarioBuilder::read_selector(const YamlNode& node) {
    VmSelector sel;
    auto check_pattern = [&](const YamlNode& n, const std::string& pattern) {
        for (const auto& vm : s_.vms)
            if (glob_match(pattern, vm.name)) return;
        fail(n.loc, "no VM matches pattern '" + pattern + "'");
    };
    auto add_names = [&](const YamlNode& entry) {
        for (std::string& vm : expand_names(entry, "vms")) {
            if (!s_.vm_names.find(vm))
                fail(entry.loc, "unknown VM '" + vm + "'" + (vm != entry.text ? " (from '" + entry.text + "')" : std::string{}) +
                                    did_you_mean(closest_vm(vm)));
            sel.names.push_back(std::move(vm));
        }
    };
    if (node.is_scalar()) {
        const std::string& text = node.text;
        if (text == "all") sel.all = true;
        else if (text.find('{') != std::string::npos) add_names(node);
        else if (text.find_first_of("*?") != std::string::npos) check_pattern(node, sel.pattern = text);
        else add_names(node);
    } else if (node.is_sequence()) {
        if (node.items.empty()) fail(node.loc, "'vms': expected at least one VM name, found an empty list");
        for (const YamlNode& entry : node.items) add_names(entry);
    } else if (node.is_mapping()) {
        auto f = fields(node, "a VM selector", {"pattern", "network", "subnet", "app", "site"});
        if (node.entry_count() == 0) fail(node.loc, "'vms': a selector mapping needs at least one of pattern, network, subnet, app, site");
        if (auto* n = f.opt("pattern")) check_pattern(*n, sel.pattern = name(*n, "pattern"));
        std::optional<std::size_t> net;
        if (auto* n = f.opt("network")) {
            net = event_network(*n, "network");
            sel.network = n->text;
        }
        if (auto* n = f.opt("subnet")) {
            if (!net) fail(n->loc, "'subnet' in a VM selector needs 'network' (subnet names are per network)");
            check_subnet(*net, *n, "subnet");
            sel.subnet = n->text;
        }
        if (auto* n = f.opt("app")) {
            sel.app = name(*n, "app");
            if (!apps_.find(sel.app)) fail(n->loc, "no VM has app '" + sel.app + "'" + did_you_mean(apps_.closest(sel.app)));
        }
        if (auto* n = f.opt("site")) sel.site = s_.sites[resolve(sites_, *n, "site", "site")].name;
    } else {
        fail(node.loc, "'vms': expected 'all', a glob like web-*, a list of names or a mapping {pattern, network, subnet, app, site}, found " +
                           describe_node(node));
    }
    return sel;
}

void ScenarioBuilder::read_operation(OpKind kind, const YamlNode& key, const YamlNode& args, EventSpec& event) {
    OperationSpec& op = event.op;
    op.kind = kind;
    op.loc = key.loc;
    const std::string what = "'" + key.text + "'";
    auto vm_op = [&](std::initializer_list<std::string_view> extra) {
        std::vector<std::string_view> allowed = {"vm", "recovery_plan", "vms"};
        allowed.insert(allowed.end(), extra.begin(), extra.end());
        if (!args.is_mapping()) fail(args.loc, "expected a mapping (" + what + "), found " + describe_node(args));
        for (std::size_t i = 0; i < args.entry_count(); ++i)
            if (std::find(allowed.begin(), allowed.end(), args.key(i).text) == allowed.end()) unknown_key(args.key(i), what, allowed);
        Fields f(*this, args, what);
        read_vm_target(f, op, key.text);
        return f;
    };
    auto failover_type = [&](const Fields& f) {
        if (auto* n = f.opt("type")) op.planned = choice<bool>(*n, "type", {{"planned", true}, {"unplanned", false}});
    };
    auto replication_settings = [&](const Fields& f) {
        std::optional<std::size_t> net;
        if (auto* n = f.opt("target_network")) {
            net = event_network(*n, "target_network");
            op.target_network = n->text;
        }
        if (auto* n = f.opt("target_subnet")) {
            // Without a target network the subnet is a name to look for wherever the replica lands
            // (SUBNET-OVERRIDE), so only its form can be checked here.
            if (net) check_subnet(*net, *n, "target_subnet");
            op.target_subnet = name(*n, "target_subnet");
        }
        if (auto* n = f.opt("target_ip")) op.target_ip = address(*n, "target_ip");
        if (auto* n = f.opt("reip")) op.reip = reip_rules(*n);
    };

    switch (kind) {
        case OpKind::map_network:
        case OpKind::change_mapping:
        case OpKind::delete_mapping: {
            auto f = kind == OpKind::map_network ? fields(args, what, {"source", "target", "both_directions"})
                                                 : fields(args, what, {"source", "target"});
            event_network(f.req("source"), "source");
            op.source = f.req("source").text;
            if (kind == OpKind::delete_mapping) {
                if (auto* n = f.opt("target")) {
                    event_network(*n, "target");
                    op.target = n->text;
                }
            } else {
                event_network(f.req("target"), "target");
                op.target = f.req("target").text;
            }
            if (auto* n = f.opt("both_directions")) op.both_directions = boolean(*n, "both_directions");
            break;
        }
        case OpKind::enable_replication: {
            auto f = vm_op({"target_site", "target_network", "target_subnet", "target_ip", "reip"});
            op.target_site = s_.sites[resolve(sites_, f.req("target_site"), "target_site", "site")].name;
            replication_settings(f);
            break;
        }
        case OpKind::update_replication:
            replication_settings(vm_op({"target_network", "target_subnet", "target_ip", "reip"}));
            break;
        case OpKind::disable_replication:
        case OpKind::cleanup_test_failover:
        case OpKind::commit:
            vm_op({});
            break;
        case OpKind::failover:
        case OpKind::failback:
            failover_type(vm_op({"type"}));
            break;
        case OpKind::test_failover: {
            auto f = vm_op({"network"});
            if (auto* n = f.opt("network")) {
                event_network(*n, "network");
                op.network = n->text;
            }
            break;
        }
        case OpKind::reprotect: {
            // target_network is parsed so that the run can refuse it by rule (REPROTECT-KEEPS-NETWORK).
            auto f = vm_op({"target_network"});
            if (auto* n = f.opt("target_network")) {
                event_network(*n, "target_network");
                op.target_network = n->text;
            }
            break;
        }
        case OpKind::delete_vm: {
            auto f = fields(args, what, {"vm", "instance"});
            op.vm = s_.vms[vm_index(f.req("vm"), "vm")].name;
            if (auto* n = f.opt("instance"))
                op.instance = choice<InstanceRole>(*n, "instance", {{"primary", InstanceRole::primary}, {"replica", InstanceRole::replica}});
            break;
        }
        case OpKind::set_vm_network: {
            auto f = fields(args, what, {"vm", "network", "subnet"});
            op.vm = s_.vms[vm_index(f.req("vm"), "vm")].name;
            const YamlNode& net_node = f.req("network");
            if (net_node.is_scalar() && net_node.text == "none") {
                op.network = "none";
                if (auto* k = f.key_node("subnet"))
                    fail(k->loc, "'subnet' makes no sense with 'network: none' (the NIC is disconnected)");
            } else {
                std::size_t net = event_network(net_node, "network");
                op.network = net_node.text;
                const YamlNode& subnet = f.req("subnet");
                check_subnet(net, subnet, "subnet");
                op.subnet = subnet.text;
            }
            break;
        }
        case OpKind::dns_update: {
            auto [vm, record] = dns_update_target(args, false);
            op.vm = vm ? std::string{vm->name} : "";
            op.dns_name = std::move(record);
            break;
        }
        case OpKind::create_resources: {
            auto f = vm_op({"resources"});
            const YamlNode& list = f.req("resources");
            op.resources = resources(list, "resources");
            if (op.resources.empty()) fail(list.loc, "'resources': expected at least one resource, found an empty list");
            break;
        }
        case OpKind::subnet_failover:
        case OpKind::broadcast_storm: {
            auto f = kind == OpKind::subnet_failover ? fields(args, what, {"network", "subnet", "to_site"})
                                                     : fields(args, what, {"network", "subnet", "duration"});
            std::size_t net = event_network(f.req("network"), "network");
            op.subnet_network = f.req("network").text;
            check_subnet(net, f.req("subnet"), "subnet");
            op.subnet = f.req("subnet").text;
            if (kind == OpKind::subnet_failover) op.to_site = s_.sites[resolve(sites_, f.req("to_site"), "to_site", "site")].name;
            else if (auto* n = f.opt("duration")) op.duration = duration(*n, "duration");
            break;
        }
        case OpKind::update_routes:
            if (!args.is_null()) fields(args, what, {});
            break;
        case OpKind::connect:
        case OpKind::disconnect: {
            auto f = fields(args, what, {"connection"});
            op.connection = s_.connections[resolve(connections_, f.req("connection"), "connection", "connection")].name;
            break;
        }
        case OpKind::site_down:
        case OpKind::site_up: {
            auto f = fields(args, what, {"site"});
            op.site = s_.sites[resolve(sites_, f.req("site"), "site", "site")].name;
            break;
        }
        case OpKind::peering_location_down:
        case OpKind::peering_location_up: {
            auto f = fields(args, what, {"peering_location"});
            const YamlNode& n = f.req("peering_location");
            resolve(peering_locations_, n, "peering_location", "peering location (of any circuit)");
            op.peering_location = n.text;
            break;
        }
        case OpKind::expect:
            if (args.is_sequence()) {
                if (args.items.empty()) fail(args.loc, "'expect': expected at least one check, found an empty list");
                for (const YamlNode& check : args.items) read_check(check, event);
            } else {
                read_check(args, event);
            }
            break;
    }
}

void ScenarioBuilder::read_check(const YamlNode& node, EventSpec& event) {
    if (!node.is_mapping())
        fail(node.loc, "expected a mapping (a check: vm, mapping, network_exists, reachable or downtime), found " + describe_node(node));
    static const std::vector<std::string_view> every_key = {"vm", "instance", "nic", "site", "network", "subnet", "ip", "state",
                                                            "running", "exists", "host", "health", "mapping", "network_exists", "reachable",
                                                            "downtime", "value"};
    const YamlNode* kind_key = nullptr;
    for (std::size_t i = 0; i < node.entry_count(); ++i) {
        const YamlNode& key = node.key(i);
        if (std::find(every_key.begin(), every_key.end(), key.text) == every_key.end()) unknown_key(key, "a check", every_key);
        if (std::find(std::begin(check_kinds), std::end(check_kinds), key.text) == std::end(check_kinds)) continue;
        if (kind_key)
            fail(key.loc, "a check is exactly one of vm, mapping, network_exists, reachable, downtime; found '" + kind_key->text +
                              "' and '" + key.text + "' (use a list of checks)");
        kind_key = &key;
    }
    if (!kind_key) fail(node.loc, "a check needs one of vm, mapping, network_exists, reachable, downtime");

    ExpectSpec e;
    e.loc = node.loc;
    const std::string& kind = kind_key->text;
    if (kind == "vm") {
        auto f = fields(node, "a VM check",
                        {"vm", "instance", "nic", "site", "network", "subnet", "ip", "state", "running", "exists", "host", "health"});
        e.kind = ExpectSpec::Kind::vm;
        const VmSpec& vm = s_.vms[vm_index(f.req("vm"), "vm")];
        e.vm = vm.name;
        bool any = false;
        for (auto p : vm_check_properties) any = any || f.node().find(p);
        if (!any) fail(node.loc, "a VM check needs at least one of site, network, subnet, ip, state, running, exists, host, health");
        if (auto* n = f.opt("instance"))
            e.instance = choice<InstanceRole>(*n, "instance", {{"active", InstanceRole::active}, {"primary", InstanceRole::primary},
                                                               {"replica", InstanceRole::replica}, {"test", InstanceRole::test}});
        if (auto* n = f.opt("nic")) {
            e.nic = static_cast<int>(integer(*n, "nic", max_nic_index));
            const std::size_t nics = s_.entry_of(vm).nics.size();
            if (static_cast<std::size_t>(e.nic) >= nics)
                fail(n->loc, "'nic': VM '" + std::string{vm.name} + "' has " + std::to_string(nics) + " NIC(s); NICs count from 0");
        }
        if (auto* n = f.opt("site")) e.site = s_.sites[resolve(sites_, *n, "site", "site")].name;
        std::optional<std::size_t> net;
        if (auto* n = f.opt("network")) {
            if (!(n->is_scalar() && n->text == "none")) net = event_network(*n, "network");
            e.network = n->text;
        }
        if (auto* n = f.opt("subnet")) {
            if (net) check_subnet(*net, *n, "subnet");
            else if (!all_subnet_names_.find(name(*n, "subnet")))
                fail(n->loc, "no network has a subnet '" + n->text + "'" + did_you_mean(all_subnet_names_.closest(n->text)));
            e.subnet = n->text;
        }
        if (auto* n = f.opt("ip")) e.ip = address(*n, "ip");
        if (auto* n = f.opt("state"))
            e.state = choice<std::string>(*n, "state", {{"unprotected", "unprotected"}, {"enabling", "enabling"}, {"protected", "protected"},
                                                        {"failing_over", "failing_over"}, {"failed_over", "failed_over"},
                                                        {"committed", "committed"}, {"reprotecting", "reprotecting"}});
        if (auto* n = f.opt("running")) e.running = boolean(*n, "running");
        if (auto* n = f.opt("exists")) e.exists = boolean(*n, "exists");
        if (auto* n = f.opt("host")) e.host = s_.hosts[resolve(hosts_, *n, "host", "host")].name;
        if (auto* n = f.opt("health")) e.health = choice<std::string>(*n, "health", {{"normal", "normal"}, {"degraded", "degraded"}});
    } else if (kind == "mapping") {
        auto f = fields(node, "a mapping check", {"mapping"});
        auto m = fields(f.req("mapping"), "'mapping'", {"source", "target"});
        e.kind = ExpectSpec::Kind::mapping;
        // Any names: a mapping check may assert that something does not exist.
        e.source = name(m.req("source"), "source");
        e.target = name(m.req("target"), "target");
    } else if (kind == "network_exists") {
        auto f = fields(node, "a network_exists check", {"network_exists", "value"});
        e.kind = ExpectSpec::Kind::network_exists;
        e.network_name = name(f.req("network_exists"), "network_exists");
        if (auto* n = f.opt("value")) e.value = boolean(*n, "value");
    } else if (kind == "reachable") {
        auto f = fields(node, "a reachable check", {"reachable", "value"});
        auto r = fields(f.req("reachable"), "'reachable'", {"from", "to"});
        e.kind = ExpectSpec::Kind::reachable;
        const YamlNode& from = r.req("from");
        e.from = name(from, "from");
        if (!clients_.find(e.from) && !s_.vm_names.find(e.from)) {
            std::vector<std::string_view> candidates(clients_.names().begin(), clients_.names().end());
            candidates.reserve(candidates.size() + s_.vms.size());
            for (const VmSpec& vm : s_.vms) candidates.push_back(vm.name);
            fail(from.loc, "unknown client or VM '" + e.from + "'" + did_you_mean(closest_name(e.from, candidates)));
        }
        const YamlNode& to = r.req("to");
        e.to = name(to, "to");
        if (!s_.vm_names.find(e.to) && !Ipv4Address::parse(e.to))
            fail(to.loc, "'to': expected a VM name or an IPv4 address, found '" + e.to + "'" + did_you_mean(closest_vm(e.to)));
        if (auto* n = f.opt("value")) e.value = boolean(*n, "value");
    } else {
        auto f = fields(node, "a downtime check", {"downtime"});
        if (!event.at_end)
            fail(kind_key->loc, "'downtime' is checked only at 'at: end' (downtime is known once everything has settled)");
        auto d = fields(f.req("downtime"), "'downtime'", {"vm", "app", "client", "from", "max"});
        e.kind = ExpectSpec::Kind::downtime;
        const YamlNode* vm = d.node().find("vm");
        const YamlNode* app = d.node().find("app");
        if (vm && app) fail(d.key_node("app")->loc, "'downtime' takes one of 'vm' or 'app', not both");
        if (!vm && !app) fail(d.node().loc, "'downtime' needs 'vm' or 'app'");
        if (vm) e.downtime_vm = s_.vms[vm_index(*vm, "vm")].name;
        if (app) {
            e.downtime_app = name(*app, "app");
            if (!apps_.find(e.downtime_app))
                fail(app->loc, "no VM has app '" + e.downtime_app + "'" + did_you_mean(apps_.closest(e.downtime_app)));
        }
        if (auto* n = d.opt("client")) e.downtime_client = s_.clients[resolve(clients_, *n, "client", "client")].name;
        if (auto* n = d.opt("from")) e.downtime_from = duration(*n, "from");
        e.downtime_max = duration(d.req("max"), "max");
    }
    event.expects.push_back(std::move(e));
}

std::pair<const VmSpec*, std::string> ScenarioBuilder::dns_update_target(const YamlNode& args, bool neither_ok) {
    if (args.is_null() && neither_ok) return {nullptr, ""};
    auto f = fields(args, "'dns_update'", {"vm", "name"});
    const YamlNode* vm = f.node().find("vm");
    const YamlNode* record = f.node().find("name");
    if (vm && record) fail(f.key_node("name")->loc, "'dns_update' takes one of 'vm' or 'name', not both");
    if (!vm && !record) {
        if (neither_ok) return {nullptr, ""};
        fail(args.loc, "'dns_update' needs 'vm' (the VM's dns_name) or 'name' (a DNS record)");
    }
    if (vm) {
        const VmSpec& v = s_.vms[vm_index(*vm, "vm")];
        if (v.dns_name.empty()) fail(vm->loc, "VM '" + std::string{v.name} + "' has no dns_name to update");
        return {&v, std::string{v.dns_name}};
    }
    // A name no VM has (an application's own name, say) is kept: planning warns that it changes
    // no record drsim knows (DNS-RECORD).
    std::string text = name(*record, "name");
    auto index = s_.dns_names.find(text);
    return {index ? &s_.vms[*index] : nullptr, std::move(text)};
}

}  // namespace drsim::detail

namespace drsim {

// Glob over a whole name: '*' any run of characters, '?' one character. Linear with backtracking
// to the last star only, so a pattern cannot blow up.
bool glob_match(std::string_view pattern, std::string_view text) {
    std::size_t p = 0, t = 0, star = std::string_view::npos, resume = 0;
    while (t < text.size()) {
        if (p < pattern.size() && (pattern[p] == '?' || pattern[p] == text[t])) {
            ++p, ++t;
        } else if (p < pattern.size() && pattern[p] == '*') {
            star = p++;
            resume = t;
        } else if (star != std::string_view::npos) {
            p = star + 1;
            t = ++resume;
        } else {
            return false;
        }
    }
    while (p < pattern.size() && pattern[p] == '*') ++p;
    return p == pattern.size();
}

std::string_view op_name(OpKind kind) {
    for (const auto& op : detail::op_names)
        if (op.kind == kind) return op.name;
    return "?";
}

}  // namespace drsim
