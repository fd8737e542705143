# Imports the sample listings (SAMPLE/vnets.json, SAMPLE/vms.json) with DRSIM into DIR, then:
# `drsim validate` accepts the scenario, a second import to standard output gives the same bytes,
# and a few lines are exactly as docs/import.md shows them.
file(REMOVE_RECURSE ${DIR})
file(MAKE_DIRECTORY ${DIR})
set(out ${DIR}/imported.yaml)

execute_process(COMMAND ${DRSIM} import azure --vnets ${SAMPLE}/vnets.json --vms ${SAMPLE}/vms.json -o ${out}
                RESULT_VARIABLE status ERROR_VARIABLE err)
if(NOT status EQUAL 0)
  message(FATAL_ERROR "drsim import azure: exit status ${status}\n${err}")
endif()

execute_process(COMMAND ${DRSIM} validate ${out} RESULT_VARIABLE status OUTPUT_VARIABLE said ERROR_VARIABLE err)
if(NOT status EQUAL 0 OR NOT said MATCHES "valid scenario 'Imported from Azure': 2 sites, 5 networks, 5 VMs")
  message(FATAL_ERROR "drsim validate ${out}: exit status ${status}\n${said}${err}")
endif()

execute_process(COMMAND ${DRSIM} import azure --vnets ${SAMPLE}/vnets.json --vms ${SAMPLE}/vms.json
                RESULT_VARIABLE status OUTPUT_VARIABLE again)
file(READ ${out} text)
if(NOT status EQUAL 0 OR NOT again STREQUAL text)
  message(FATAL_ERROR "a second import to standard output differs from ${out}")
endif()

foreach(line
    "scenario: Imported from Azure"
    "fabric: azure-to-azure"
    "  - {name: East US, kind: azure, geo: United States}"
    "  - {name: West US, kind: azure, geo: United States}"
    "  # IPv6 address space fd00:db8:11::/48 left out: drsim models IPv4"
    "      - {name: GatewaySubnet, prefix: 10.10.255.0/27}"
    "  - {name: hub-to-spoke-app, kind: peering, between: [vnet-hub-eus, vnet-spoke-app-eus], state: connected, gateway_transit: true}"
    "  - {name: recovery-to-hub-wus, kind: peering, between: [vnet-hub-wus, vnet-recovery-wus], state: disconnected}"
    "      # NIC app-eus-01-nic-back"
    "      - {network: vnet-spoke-app-eus, subnet: app, ip: 10.11.2.4}"
    "  # web-eus-02-nic fd00:db8:11:1::5 left out: drsim models IPv4")
  string(FIND "\n${text}" "\n${line}\n" at)
  if(at EQUAL -1)
    message(FATAL_ERROR "${out} has no line\n${line}\n--- it reads:\n${text}")
  endif()
endforeach()
