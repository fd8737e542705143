#include "sim/world/world.hpp"

#include <algorithm>
#include <cassert>
#include <tuple>

namespace drsim {

bool alphabetically_before(std::string_view a, std::string_view b) {
    auto lower = [](unsigned char c) { return c >= 'A' && c <= 'Z' ? static_cast<unsigned char>(c - 'A' + 'a') : c; };
    const std::size_t n = std::min(a.size(), b.size());
    for (std::size_t i = 0; i < n; ++i) {
        const unsigned char x = lower(static_cast<unsigned char>(a[i])), y = lower(static_cast<unsigned char>(b[i]));
        if (x != y) return x < y;
    }
    if (a.size() != b.size()) return a.size() < b.size();
    return a < b;
}

Slot Vm::active_slot() const {
    switch (replication.state) {
        case ReplicationState::failing_over:
        case ReplicationState::failed_over:
        case ReplicationState::committed: return replication.target_slot();
        default: return replication.source_slot();
    }
}

World::World(const Scenario& scenario) : fabric_(scenario.fabric), vm_names_(&scenario.vm_names) {
    for (const auto& s : scenario.sites) add_site(s);
    for (const auto& n : scenario.networks) {
        Id net = add_network(n.name, site_id(n.site), n.address_space, n.logical_network);
        networks[net].outbound = n.outbound;
        networks[net].routes = n.routes;
        for (const auto& sn : n.subnets)
            add_subnet(net, sn.name, sn.prefix, sn.pool, sn.stretched_to.empty() ? kNone : site_id(sn.stretched_to));
    }
    for (const auto& c : scenario.circuits) {
        Id id = static_cast<Id>(circuits.size());
        circuits.push_back(Circuit{c.name, site_id(c.site), c.peering_location, c.premium, {}});
        circuits.back().vertex = topology.add_vertex(VertexKind::circuit, id);
        circuit_by_name_.emplace(c.name, id);
    }
    auto vertex_of = [&](const std::string& name) -> TopologyVertex {
        if (Id s = site_id(name); s != kNone) return sites[s].vertex;
        if (Id n = network_id(name); n != kNone) return networks[n].vertex;
        return circuits[find(circuit_by_name_, name)].vertex;
    };
    for (const auto& c : scenario.connections) {
        Id id = static_cast<Id>(connections.size());
        Connection conn;
        conn.name = c.name;
        conn.kind = c.kind;
        conn.ends = {vertex_of(c.between[0]), vertex_of(c.between[1])};
        conn.routing = c.routing;
        conn.local_prefixes = c.local_prefixes;
        conn.gateway_transit = c.gateway_transit;
        conn.edge = topology.add_edge(conn.ends[0], conn.ends[1], EdgeKind::connection, id);
        network.add_connection(c.connected);
        connections.push_back(std::move(conn));
        connection_by_name_.emplace(c.name, id);
    }
    for (const auto& c : scenario.clouds) {
        cloud_by_name_.emplace(c.name, static_cast<Id>(clouds.size()));
        clouds.push_back(Cloud{c.name, site_id(c.site), c.logical_networks, kNone, {}});
    }
    for (std::size_t i = 0; i < scenario.clouds.size(); ++i)
        if (!scenario.clouds[i].protected_by.empty()) clouds[i].protected_by = cloud_id(scenario.clouds[i].protected_by);
    for (const auto& h : scenario.hosts) {
        Id cloud = cloud_id(h.cloud);
        Id id = static_cast<Id>(hosts.size());
        host_by_name_.emplace(h.name, id);
        hosts.push_back(Host{h.name, cloud, h.logical_networks ? *h.logical_networks : clouds[cloud].logical_networks});
        clouds[cloud].hosts.push_back(id);
    }
    for (const auto& c : scenario.clients) {
        client_by_name_.emplace(c.name, static_cast<Id>(clients.size()));
        clients.push_back(Client{c.name, site_id(c.site)});
    }

    vms.reserve(scenario.vms.size());
    std::vector<std::pair<Id, std::size_t>> dhcp_nics;  // (vm, nic): addressed after every static one
    // Names resolved once per entry, not once per VM.
    struct EntryIds {
        Id site, cloud, host;
        std::vector<std::pair<Id, Id>> nics;  // (network, subnet)
    };
    std::vector<EntryIds> entry_ids;
    entry_ids.reserve(scenario.vm_entries.size());
    for (const VmEntrySpec& entry : scenario.vm_entries) {
        EntryIds ids{site_id(entry.site), entry.cloud.empty() ? kNone : cloud_id(entry.cloud),
                     entry.host.empty() ? kNone : host_id(entry.host), {}};
        ids.nics.reserve(entry.nics.size());
        for (const NicSpec& nic : entry.nics) {
            const Id net = network_id(nic.network);
            ids.nics.emplace_back(net, subnet_of(net, nic.subnet));
        }
        entry_ids.push_back(std::move(ids));
    }
    for (const VmSpec& spec : scenario.vms) {
        const VmEntrySpec& entry = scenario.entry_of(spec);
        const EntryIds& ids = entry_ids[spec.entry];
        Id id = static_cast<Id>(vms.size());
        Vm& vm = vms.emplace_back();
        vm.name = spec.name;
        vm.home_site = ids.site;
        vm.dns_name = spec.dns_name;
        vm.entry = &entry;
        vm.cloud = ids.cloud;
        vm.host = ids.host;
        vm.target_resources = entry.target_resources;
        for (auto& inst : vm.instances) inst.vm = id;  // the test instance takes it from these
        Instance& home = vm.instance(Slot::home);
        home.exists = true;
        home.site = vm.home_site;
        home.host = vm.host;
        home.booted = true;
        home.up_intervals.emplace_back(0, -1);
        home.nics.reserve(entry.nics.size());
        for (std::size_t k = 0; k < entry.nics.size(); ++k) {
            NicBinding b;
            std::tie(b.network, b.subnet) = ids.nics[k];
            const std::optional<Ipv4Address> ip = scenario.nic_ip(spec, k);
            b.dhcp = !ip.has_value();
            if (ip) {
                bool held = hold(b.subnet, *ip);
                assert(held && "the loader refuses duplicate or unusable static addresses");
                (void)held;
                b.ip = ip;
            } else {
                dhcp_nics.emplace_back(id, home.nics.size());
            }
            home.nics.push_back(b);
        }
    }
    // IP-DHCP at the source: a DHCP NIC holds the lowest free address of its subnet.
    for (auto [vm, nic] : dhcp_nics) {
        NicBinding& b = vms[vm].instance(Slot::home).nics[nic];
        if (auto ip = subnets[b.subnet].addresses.lowest_free()) {
            hold(b.subnet, *ip);
            b.ip = ip;
        }
    }
    for (Id v = 0; v < vms.size(); ++v) bind_instance(v, Slot::home);
    mappings.resize(networks.size());
    // DNS-RECORD: every VM with a dns_name has a record answering its first address.
    for (Id v = 0; v < vms.size(); ++v) {
        const VmSpec& spec = scenario.vms[v];
        if (spec.dns_name.empty()) continue;
        vms[v].dns_record =
            dns.add(v, scenario.entry_of(spec).dns_ttl.value_or(scenario.dns.ttl), answer_of(vms[v].instance(Slot::home)));
    }
}

Id World::add_site(const SiteSpec& spec) {
    Id id = static_cast<Id>(sites.size());
    Site s;
    s.name = spec.name;
    s.kind = spec.kind;
    s.geo = spec.geo;
    s.vmm = spec.vmm;
    s.vertex = topology.add_vertex(VertexKind::site, id);
    sites.push_back(std::move(s));
    network.add_site();
    site_by_name_.emplace(spec.name, id);
    return id;
}

Id World::add_network(const std::string& name, Id site, std::vector<Ipv4Prefix> space, std::string logical) {
    Id id = static_cast<Id>(networks.size());
    Network n;
    n.name = name;
    n.site = site;
    n.address_space = std::move(space);
    n.logical_network = std::move(logical);
    n.vertex = topology.add_vertex(VertexKind::network, id);
    topology.add_edge(sites[site].vertex, n.vertex, EdgeKind::contains);
    networks.push_back(std::move(n));
    network_by_name_.emplace(name, id);
    mappings.resize(networks.size());
    return id;
}

Id World::add_subnet(Id network, const std::string& name, Ipv4Prefix prefix, std::optional<Ipv4Range> pool,
                     Id stretched_to) {
    Id id = static_cast<Id>(subnets.size());
    Network& n = networks[network];
    Subnet& s = subnets.emplace_back(name, network, prefix, usable_range(prefix, sites[n.site].kind));
    s.pool = pool;
    s.stretched_to = stretched_to;
    this->network.add_subnet(n.site);
    s.vertex = topology.add_vertex(VertexKind::subnet, id);
    topology.add_edge(n.vertex, s.vertex, EdgeKind::contains);
    n.subnets.push_back(id);
    n.subnet_by_name.emplace(name, id);
    const std::pair<std::uint32_t, Id> key{prefix.network().value(), id};
    n.subnet_by_address.insert(std::upper_bound(n.subnet_by_address.begin(), n.subnet_by_address.end(), key), key);
    if (n.first_alpha_subnet == kNone || alphabetically_before(name, subnets[n.first_alpha_subnet].name))
        n.first_alpha_subnet = id;
    return id;
}

Id World::subnet_of(Id network, const std::string& subnet_name) const {
    if (network == kNone) return kNone;
    return find(networks[network].subnet_by_name, subnet_name);
}

Id World::subnet_holding(Id network, Ipv4Address ip) const {
    if (network == kNone) return kNone;
    const auto& index = networks[network].subnet_by_address;
    // Subnets of one network never overlap: the only candidate is the last one starting at or before ip.
    auto it = std::upper_bound(index.begin(), index.end(), std::pair<std::uint32_t, Id>{ip.value(), kNone});
    if (it == index.begin()) return kNone;
    --it;
    return subnets[it->second].prefix.contains(ip) ? it->second : kNone;
}

Id World::add_network_copy(const Network& model, const std::string& name, Id site) {
    // Copy what we need first: add_network may reallocate `networks`, invalidating `model`.
    std::vector<Ipv4Prefix> space = model.address_space;
    std::vector<std::pair<std::string, Ipv4Prefix>> subnet_list;
    for (Id s : model.subnets) subnet_list.emplace_back(subnets[s].name, subnets[s].prefix);
    Id id = add_network(name, site, std::move(space), "");
    networks[id].created_at_run_time = true;
    for (const auto& [subnet_name, prefix] : subnet_list) add_subnet(id, subnet_name, prefix, std::nullopt, kNone);
    return id;
}

bool World::edge_up(TopologyEdge e) const {
    const EdgeProps& p = topology.graph()[e];
    if (p.kind != EdgeKind::connection) return true;
    if (!network.connected(p.connection)) return false;
    for (TopologyVertex end : connections[p.connection].ends) {
        const VertexProps& v = topology.graph()[end];
        if (v.kind == VertexKind::site && !network.site_up(v.entity)) return false;
        if (v.kind == VertexKind::circuit && !network.peering_location_up(circuits[v.entity].peering_location)) return false;
    }
    return true;
}

const std::string& Vm::app() const {
    static const std::string none;
    return entry ? entry->app : none;
}

const std::vector<std::string>& Vm::resources() const {
    static const std::vector<std::string> none;
    return entry ? entry->resources : none;
}

bool World::hold(Id subnet, Ipv4Address ip) { return subnet != kNone && subnets[subnet].addresses.take(ip); }

void World::release(Id subnet, Ipv4Address ip) {
    subnets[subnet].holders.erase(ip.value());
    bool freed = subnets[subnet].addresses.release(ip);
    assert(freed && "released an address that was not held");
    (void)freed;
}

void World::bind_instance(Id vm, Slot slot) {
    for (const NicBinding& nic : vms[vm].instance(slot).nics)
        if (nic.ip && nic.subnet != kNone)
            subnets[nic.subnet].holders.set(nic.ip->value(), {vm, static_cast<std::uint8_t>(slot)});
}

std::optional<std::pair<Id, Slot>> World::holder(Id subnet, Ipv4Address ip) const {
    const std::optional<HolderMap::Holder> h = subnets[subnet].holders.find(ip.value());
    if (!h) return std::nullopt;
    return std::pair<Id, Slot>{h->vm, static_cast<Slot>(h->slot)};
}

std::vector<Id> World::take_touched() {
    std::vector<Id> out = std::move(touched_);
    touched_.clear();
    // An operation on many VMs touches them in order: a pass to see it, rather than a sort.
    if (!std::is_sorted(out.begin(), out.end())) std::sort(out.begin(), out.end());
    out.erase(std::unique(out.begin(), out.end()), out.end());
    return out;
}

void World::release_instance(Instance& instance) {
    for (auto& nic : instance.nics) {
        if (nic.ip && nic.subnet != kNone) release(nic.subnet, *nic.ip);
        nic.ip.reset();
    }
}

DnsAnswer World::answer_of(const Instance& instance) const {
    DnsAnswer a;
    if (!instance.exists || instance.nics.empty()) return a;
    const NicBinding& nic = instance.nics[0];
    if (!nic.ip || nic.subnet == kNone) return a;
    a.address = nic.ip;
    a.prefix = subnets[nic.subnet].prefix;
    return a;
}

namespace {

// Names the entities of texts from the world as it is.
class WorldNames final : public TextNames {
public:
    explicit WorldNames(const World& w) : w_(w) {}
    void append_name(std::string& out, TextArg a) const override {
        using K = TextArg::Kind;
        if (const auto name = w_.held_name(a)) {
            out += *name;
            return;
        }
        switch (a.kind) {
            case K::subnet_path: {
                const Subnet& s = w_.subnets[a.value];
                out += w_.networks[s.network].name;
                out += '/';
                out += s.name;
                return;
            }
            case K::subnet_prefix: out += w_.subnets[a.value].prefix.to_string(); return;
            case K::subnet_where: {
                const Subnet& s = w_.subnets[a.value];
                out += s.name;
                out += " (";
                out += s.prefix.to_string();
                out += ") of ";
                out += w_.networks[s.network].name;
                return;
            }
            default: return;
        }
    }

private:
    const World& w_;
};

}  // namespace

void World::render(std::string& out, const Text& text) const { render_text(out, text, texts, WorldNames{*this}); }

std::string World::render(const Text& text) const {
    std::string out;
    render(out, text);
    return out;
}

std::optional<std::string_view> World::held_name(TextArg a) const {
    using K = TextArg::Kind;
    switch (a.kind) {
        case K::vm: return vms[a.value].name;
        case K::network: return networks[a.value].name;
        case K::subnet: return subnets[a.value].name;
        case K::site: return sites[a.value].name;
        case K::connection: return connections[a.value].name;
        case K::circuit: return circuits[a.value].name;
        case K::client: return clients[a.value].name;
        case K::cloud: return clouds[a.value].name;
        case K::host: return hosts[a.value].name;
        case K::state: return to_string(static_cast<ReplicationState>(a.value));
        case K::dns_name: return vms[a.value].dns_name;
        case K::text: return texts.at(a.value);
        default: return std::nullopt;
    }
}

std::string World::render(TextArg target) const {
    if (target.kind == TextArg::Kind::none) return {};
    return render(Text{"{}", target});
}

}  // namespace drsim
