// The HTML report of a run (sim/report/html_report): its parts (Gantt, reachability strips,
// topology before and after, expectations, metrics, decisions), names with markup in them
// escaped, the aggregation notice beyond the limits, and the same bytes for the same run.
#include <doctest/doctest.h>

#include <memory>
#include <string>

#include "reporting/document.hpp"
#include "sim/report/html_report.hpp"
#include "sim/scenario/scenario_loader.hpp"

using namespace drsim;

namespace {

// Retain IP over BGP, with a VM and an app whose names carry markup, a client, a site outage,
// a refused operation (allowed) and a failed-free set of checks.
const char* kScenario = R"(
scenario: "report <test> & \"quotes\""
fabric: vmm-to-vmm
allow_refusals: true
timing: {initial_replication: 30m, failover: 5m, vm_boot: 2m, route_convergence: 30s}
sites:
  - {name: New York, kind: onprem}
  - {name: Chicago, kind: onprem}
  - {name: Branch, kind: onprem}
logical_networks:
  - {name: LN-NY, site: New York}
  - {name: LN-CH, site: Chicago}
clouds:
  - {name: Gold-NY, site: New York, logical_networks: [LN-NY], protected_by: Gold-CH}
  - {name: Gold-CH, site: Chicago, logical_networks: [LN-CH]}
networks:
  - {name: VMNet-NY, site: New York, logical_network: LN-NY, subnets: [{name: app, prefix: 192.168.1.0/24}]}
  - {name: VMNet-CH, site: Chicago, logical_network: LN-CH, subnets: [{name: app, prefix: 192.168.1.0/24}]}
  - {name: branch-lan, site: Branch, subnets: [{name: users, prefix: 10.9.0.0/24}]}
vms:
  - {name: 'web<1>&"x"', site: New York, cloud: Gold-NY, app: 'shop & <co>', nics: [{network: VMNet-NY, subnet: app, ip: 192.168.1.20}]}
  - {name: app2, site: New York, cloud: Gold-NY, nics: [{network: VMNet-NY, subnet: app, ip: 192.168.1.21}]}
  - {name: app3, site: New York, cloud: Gold-NY, nics: [{network: VMNet-NY, subnet: app, ip: 192.168.1.22}]}
  - {name: app4, site: New York, cloud: Gold-NY, nics: [{network: VMNet-NY, subnet: app, ip: 192.168.1.23}]}
connections:
  - {name: wan-ny, kind: vpn, between: [Branch, New York], routing: bgp}
  - {name: wan-ch, kind: vpn, between: [Branch, Chicago], routing: bgp}
clients:
  - {name: branch-users, site: Branch}
events:
  - at: 0
    map_network: {source: VMNet-NY, target: VMNet-CH}
  - at: 1m
    enable_replication: {vm: 'web<1>&"x"', target_site: Chicago}
  - at: 10m
    failover: {vm: 'web<1>&"x"'}
  - at: 2h
    site_down: {site: New York}
  - at: 2h
    failover: {vm: 'web<1>&"x"', type: unplanned}
  - at: 2h10m
    subnet_failover: {network: VMNet-NY, subnet: app, to_site: Chicago}
  - at: end
    expect: {vm: 'web<1>&"x"', site: Chicago, running: true}
)";

struct Run {
    std::unique_ptr<Scenario> scenario;
    std::unique_ptr<Simulation> sim;
};

Run run() {
    Run r;
    r.scenario = std::make_unique<Scenario>(load_scenario_text(kScenario, "report.yaml"));
    r.sim = std::make_unique<Simulation>(*r.scenario);
    r.sim->run();
    return r;
}

bool has(const std::string& text, const std::string& what) { return text.find(what) != std::string::npos; }

}  // namespace

TEST_CASE("HTML report: every part is there, as SVG groups and tables") {
    const Run r = run();
    REQUIRE(r.sim->all_expectations_held());
    const std::string html = reporting::render_html(build_html_report(*r.sim));
    for (const char* heading : {"Summary", "Timeline of the VMs", "Reachability", "Topology before and after", "Expectations",
                                "Metrics", "Decisions per VM", "Every record (text timeline)"}) {
        CAPTURE(heading);
        CHECK(has(html, heading));
    }
    // Four drawings: Gantt, strips, topology before and after.
    CHECK(has(html, "id=\"fig1\" class=\"chart timechart\""));
    CHECK(has(html, "id=\"fig2\" class=\"chart timechart\""));
    CHECK(has(html, "id=\"fig3\" class=\"chart diagram\""));
    CHECK(has(html, "id=\"fig4\" class=\"chart diagram\""));
    CHECK(!has(html, "id=\"fig5\""));
    for (const char* part : {
             // The Gantt: a row per VM, the refused failover marked with its rule, the outage as a band.
             "<g class=\"row\">", "refused by FO-NEEDS-RECOVERY-POINT", "SITE-DOWN: site New York down 2h",
             "failing_over 2h\xE2\x80\x93" "2h5m (5m)", "replica running at Chicago 2h7m",
             // The strips: the cause of each interval.
             "unreachable 2h\xE2\x80\x93", "ROUTE-BGP-CONVERGENCE",
             // The topology: subnets with their prefixes, the connection down after, the replica's address.
             "app 192.168.1.0/24", "wan-ny (down)", "(replica) 192.168.1.20", "standby: active at Chicago",
             // Decisions: one folded section per VM.
             "<details><summary>app2 "}) {
        CAPTURE(part);
        CHECK(has(html, part));
    }
    CHECK(!has(html, "Showing "));  // nothing aggregated at this size
}

TEST_CASE("HTML report: names with < & \" are escaped everywhere") {
    const Run r = run();
    const std::string html = reporting::render_html(build_html_report(*r.sim));
    CHECK(has(html, "web&lt;1&gt;&amp;&quot;x&quot;"));
    CHECK(has(html, "shop &amp; &lt;co&gt;"));
    CHECK(has(html, "report &lt;test&gt; &amp; &quot;quotes&quot;"));
    CHECK(!has(html, "web<1>"));
    CHECK(!has(html, "<co>"));
    CHECK(!has(html, "<test>"));
}

TEST_CASE("HTML report: beyond the limits the rest is counted, and the page says so") {
    const Run r = run();
    HtmlReportLimits limits;
    limits.gantt_vms = 2;
    limits.detailed_vms = 2;
    limits.strips = 1;
    limits.vms_per_subnet = 1;
    const std::string html = reporting::render_html(build_html_report(*r.sim, {}, limits));
    for (const char* notice : {"Showing 2 of 4 VMs one by one", "the other 2 are aggregated by", "The other 2 VMs, counted by replication state",
                               "<g class=\"stack\"><title>", "Showing 1 of 4 client and app (or VM) pairs one by one", "+ 3 more VMs",
                               "Showing 2 of 4 VMs: those of the timeline above."}) {
        CAPTURE(notice);
        CHECK(has(html, notice));
    }
    // The VM with a refusal is among those drawn one by one.
    CHECK(has(html, "<details class=\"refused\"><summary>web&lt;1&gt;"));
}

TEST_CASE("HTML report: the same scenario and seed give the same bytes") {
    const Run a = run();
    const Run b = run();
    CHECK(reporting::render_html(build_html_report(*a.sim)) == reporting::render_html(build_html_report(*b.sim)));
}

TEST_CASE("HTML report: the topology shows a VM on every subnet one of its NICs is on, before and after") {
    Run r;
    r.scenario = std::make_unique<Scenario>(load_scenario_text(R"(
scenario: two NICs
sites: [{name: East US, kind: azure}]
networks:
  - {name: v, site: East US, address_space: [10.0.0.0/16], subnets: [{name: a, prefix: 10.0.1.0/24}, {name: b, prefix: 10.0.2.0/24}]}
vms:
  - {name: multi, site: East US, nics: [{network: v, subnet: a, ip: dhcp}, {network: v, subnet: b, ip: 10.0.2.10}]}
)", "nics.yaml"));
    r.sim = std::make_unique<Simulation>(*r.scenario);
    r.sim->run();
    const std::string html = reporting::render_html(build_html_report(*r.sim));
    CHECK(has(html, "multi dhcp"));         // before: the first NIC, on a
    CHECK(has(html, "multi 10.0.1.4"));     // after: the address DHCP gave it
    std::size_t second = 0;                 // the second NIC, on b, in both drawings
    for (std::size_t at = html.find("multi 10.0.2.10"); at != std::string::npos; at = html.find("multi 10.0.2.10", at + 1)) ++second;
    CHECK(second == 2);
}
