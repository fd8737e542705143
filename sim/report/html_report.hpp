#pragma once
// The run as a page worth opening (`drsim run FILE --report OUT.html`): a Gantt chart of every VM
// over time (replication state, the instance running and where, jobs, refusals, faults), the
// reachability of each app and VM from each client, the topology before and after, the
// expectations, the metrics and every decision per VM — drawn through the reporting document
// model (charts, diagrams, tables), which knows nothing of DR.
//
// Scale: what is drawn one by one is bounded (HtmlReportLimits); beyond a limit the rest is drawn
// as rows of counts over time, and the page says so. The run is read in one pass over its log and
// one over its VMs, never one over the VMs per event.
#include <cstddef>

#include "reporting/document.hpp"
#include "sim/report/run_report.hpp"
#include "sim/run/simulation.hpp"

namespace drsim {

struct HtmlReportLimits {
    std::size_t gantt_vms = 200;        ///< VM rows of the Gantt chart; the rest as counts by state
    std::size_t aggregate_rows = 50;    ///< rows those counts are drawn in (groups share a row beyond)
    std::size_t strips = 200;           ///< client x app (or VM) strips; the rest as counts per client
    std::size_t detailed_vms = 200;     ///< VMs with their decisions (and metrics rows)
    std::size_t vms_per_subnet = 4;     ///< VMs named in a subnet of the topology; the rest counted
    std::size_t subnets_per_network = 12; ///< subnets drawn in a network of the topology
    std::size_t sites = 12;             ///< site boxes of the topology; beyond, the last are one box
    std::size_t table_rows = 500;       ///< rows of the expectation and metrics tables
    std::size_t timeline_entries = 1000;  ///< entries of the folded text timeline
    std::size_t details_per_record = 50;  ///< decisions shown of one record
};

/// The page's document: summary, Gantt, reachability, topology before and after, expectations,
/// metrics, decisions per VM, and the text timeline folded. Deterministic: the same run gives the
/// same document. O(log records + VMs + subnets + reachability intervals).
reporting::Document build_html_report(const Simulation& sim, const ReportOptions& options = {},
                                      const HtmlReportLimits& limits = {});

}  // namespace drsim
