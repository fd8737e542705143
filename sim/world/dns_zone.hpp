#pragma once
// DNS (SPEC §8): records name -> address with a TTL, their history, and the answer a client holds.
//
// drsim takes the worst case: a client that asked just before an update keeps the old answer for a
// full TTL. So the answer a client holds at time t is the record as it was at t - TTL, and a change
// made at u reaches every client at exactly u + TTL (DNS-TTL-CACHE).
#include <optional>
#include <string>
#include <vector>

#include "sim/addressing/ipv4.hpp"
#include "sim/rules/rule_catalogue.hpp"
#include "sim/scenario/scenario.hpp"

namespace drsim {

/// What a record answers: an address and the prefix of the subnet that held it when it was set
/// (where routes to it are looked up); no address when the VM had none.
struct DnsAnswer {
    std::optional<Ipv4Address> address;
    Ipv4Prefix prefix;

    bool operator==(const DnsAnswer& o) const { return address == o.address; }
};

/// One change of a record: when, from what to what, why (the rule and what caused it).
struct DnsChange {
    Millis time = 0;
    DnsAnswer before;
    DnsAnswer after;
    Rule rule = Rule::DnsUpdate;
    std::string cause;
};

/// The record of a VM's dns_name (the name is the VM's, not copied here).
struct DnsRecord {
    std::uint32_t vm = 0;
    Millis ttl = 0;
    DnsAnswer initial;     ///< what it answered at the start
    std::vector<DnsChange> history;

    const DnsAnswer& current() const { return history.empty() ? initial : history.back().after; }
    /// The worst-case answer a client holds at `now`: the record as it was one TTL ago.
    /// O(changes since now - TTL).
    const DnsAnswer& answer(Millis now) const;
};

/// The zone: one record per name (the loader refuses a name given to two VMs, and resolves the
/// names events use to their VMs, so records are found from their VM, not by name).
class DnsZone {
public:
    std::uint32_t add(std::uint32_t vm, Millis ttl, DnsAnswer initial);

    const DnsRecord& record(std::uint32_t id) const { return records_[id]; }
    const std::vector<DnsRecord>& records() const { return records_; }
    /// Points record `id` at `answer` at `now`. Returns false (and records nothing) when it already
    /// answers that address.
    bool set(std::uint32_t id, DnsAnswer answer, Millis now, Rule rule, std::string cause);

private:
    std::vector<DnsRecord> records_;
};

}  // namespace drsim
