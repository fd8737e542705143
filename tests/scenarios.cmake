# Scenario and command-line tests, run through the drsim program itself.

# Every scenario under scenarios/ is a test: `drsim run` must exit 0 (every expect held).
file(GLOB_RECURSE DRSIM_SCENARIOS CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/scenarios/*.yaml)
foreach(path ${DRSIM_SCENARIOS})
  file(RELATIVE_PATH name ${PROJECT_SOURCE_DIR}/scenarios ${path})
  add_test(NAME scenario/${name} COMMAND drsim run --quiet ${path})
endforeach()

# MATCH: standard output or error matches; ERROR_MATCH: standard error alone does; STDOUT_EMPTY;
# INPUT FILE: the command reads FILE as standard input.
function(drsim_exit_test name expected)
  cmake_parse_arguments(ARG "STDOUT_EMPTY" "MATCH;ERROR_MATCH;INPUT" "" ${ARGN})
  add_test(NAME ${name} COMMAND ${CMAKE_COMMAND} "-DCOMMAND=$<TARGET_FILE:drsim>;${ARG_UNPARSED_ARGUMENTS}"
                                 -DEXPECTED=${expected} "-DOUTPUT_MATCH=${ARG_MATCH}" "-DERROR_MATCH=${ARG_ERROR_MATCH}"
                                 -DSTDOUT_EMPTY=${ARG_STDOUT_EMPTY} "-DINPUT=${ARG_INPUT}"
                                 -P ${CMAKE_CURRENT_SOURCE_DIR}/expect_exit.cmake)
endfunction()

# Expectations can fail: a wrong expectation makes `drsim run` exit 1.
drsim_exit_test(cli/wrong-expectation-exits-1 1 run ${CMAKE_CURRENT_SOURCE_DIR}/scenarios/wrong-expectation.yaml
                MATCH "FAILED.*ip=10.0.0.254")
drsim_exit_test(cli/wrong-expect-error-exits-1 1 run ${CMAKE_CURRENT_SOURCE_DIR}/scenarios/wrong-expect-error.yaml
                MATCH "accepted")
# Command-line smoke tests.
drsim_exit_test(cli/help 0 --help MATCH "usage: drsim")
drsim_exit_test(cli/run-help 0 run --help MATCH "--json")
drsim_exit_test(cli/version 0 --version MATCH "drsim [0-9]+\\.[0-9]+")
drsim_exit_test(cli/no-arguments 2 ERROR_MATCH "^usage: drsim" STDOUT_EMPTY)
drsim_exit_test(cli/version-short 0 -V MATCH "^drsim [0-9]+\\.[0-9]+")
drsim_exit_test(cli/unknown-command 2 rnu MATCH "did you mean 'run'")
drsim_exit_test(cli/unknown-option 2 run --jsn x.json ${PROJECT_SOURCE_DIR}/scenarios/demo/east-asia-drill.yaml MATCH "jsn")
drsim_exit_test(cli/missing-file 2 run /nonexistent/drill.yaml MATCH "nonexistent")
# An unexpected refusal is placed where its event is, line and column, as a check is.
drsim_exit_test(cli/refusal-column 0 run --quiet --json - ${PROJECT_SOURCE_DIR}/scenarios/probe/refusals-allowed-and-expected.yaml
                MATCH "\"column\":[1-9][0-9]*,\"expected\":\"accepted")
# validate checks every variant and reports their errors together.
drsim_exit_test(cli/validate-every-variant 2 validate ${CMAKE_CURRENT_SOURCE_DIR}/scenarios/two-variants-wrong.yaml
                MATCH "two-variants-wrong.yaml:12:[0-9]+: error: .*10.31.1.0/33.*two-variants-wrong.yaml:15:[0-9]+: error: unknown key 'vm_bot'")
# Whole numbers only: "-1" is refused, not read as 2^64-1; --runs and --jobs have their bounds.
set(DRSIM_SMALL ${PROJECT_SOURCE_DIR}/scenarios/seeds/a2a-01-mapping-both-directions.yaml)
drsim_exit_test(cli/negative-runs 2 sweep ${DRSIM_SMALL} --runs -1 MATCH "'-1' for option '--runs' is invalid: expected a whole number")
drsim_exit_test(cli/huge-runs 2 sweep ${DRSIM_SMALL} --runs 18446744073709551615 MATCH "option '--runs' is invalid.* 1 to 10000000")
drsim_exit_test(cli/zero-jobs 2 sweep ${DRSIM_SMALL} --runs 2 --jobs 0 MATCH "'0' for option '--jobs' is invalid: expected a whole number from 1 to 1024")
# The report or the run lines on standard output take the text's place: nothing follows them.
drsim_exit_test(cli/report-to-stdout-alone 0 run --report - ${DRSIM_SMALL} MATCH "</html>\n$")
# The report names the seed the run drew from (--seed), not the file's.
drsim_exit_test(cli/report-names-run-seed 0 run --seed 4242 --report - ${DRSIM_SMALL} MATCH "Azure to Azure</td><td>4242</td>")
drsim_exit_test(cli/runs-out-to-stdout-alone 0 sweep ${DRSIM_SMALL} --runs 2 --runs-out - MATCH "base\"]}\n$")
drsim_exit_test(cli/negative-seed 2 sweep ${DRSIM_SMALL} --runs 2 --seed=-1 MATCH "'-1' for option '--seed' is invalid")
drsim_exit_test(cli/negative-jobs 2 sweep ${DRSIM_SMALL} --runs 2 -j -2 MATCH "'-2' for option '--jobs' is invalid")
drsim_exit_test(cli/negative-run 2 run ${DRSIM_SMALL} --run -1 MATCH "'-1' for option '--run' is invalid")
drsim_exit_test(cli/seed-not-a-number 2 compare ${DRSIM_SMALL} --seed 1e3 MATCH "'1e3' for option '--seed' is invalid")
drsim_exit_test(cli/validate-ok 0 validate ${PROJECT_SOURCE_DIR}/scenarios/demo/east-asia-drill.yaml MATCH "valid scenario")
drsim_exit_test(cli/json-to-stdout 0 run --json - ${PROJECT_SOURCE_DIR}/scenarios/seeds/a2a-09-test-failover-in-failover-network.yaml
                MATCH "\"rule\":\"IP-TFO-END\"")
drsim_exit_test(cli/graph 0 graph --after ${PROJECT_SOURCE_DIR}/scenarios/seeds/a2a-01-mapping-both-directions.yaml
                MATCH "label=\"vnet-ea\\\\n10\\.0\\.0\\.0/16\".*color=blue")
drsim_exit_test(cli/explain 0 explain ${PROJECT_SOURCE_DIR}/scenarios/seeds/a2a-09-test-failover-in-failover-network.yaml --vm web1
                MATCH "IP-TFO-END")

# Every malformed file is refused with exit 2 and a located message.
file(GLOB DRSIM_MALFORMED CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/malformed/*.yaml)
foreach(path ${DRSIM_MALFORMED})
  get_filename_component(name ${path} NAME_WE)
  drsim_exit_test(malformed/${name} 2 validate ${path} MATCH "${name}\\.yaml:[0-9]+:[0-9]+: error: ")
  # Bounded: a refusal never searches without end (did-you-mean over a million names takes < 1 s).
  set_tests_properties(malformed/${name} PROPERTIES TIMEOUT 60)
endforeach()
# An endless or huge source is refused at the documented size, not read until memory runs out.
drsim_exit_test(cli/endless-input-refused 2 validate /dev/zero MATCH "larger than 512 MiB")

# Every bundled scenario's outputs are the recorded bytes (tests/golden/outputs.sha256): text,
# CSV, metrics CSV, indented JSON, HTML report, DOT. Rewrite the record on purpose with --update.
add_test(NAME golden/bundled-outputs
         COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/golden_outputs.sh $<TARGET_FILE:drsim> ${PROJECT_SOURCE_DIR})

# The pandas example of docs/output-format.md runs as written (skipped without pandas).
add_test(NAME docs/output-format-pandas-example
         COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/docs_pandas_example.sh $<TARGET_FILE:drsim> ${PROJECT_SOURCE_DIR}
                 ${CMAKE_CURRENT_BINARY_DIR}/pandas-example)
set_tests_properties(docs/output-format-pandas-example PROPERTIES SKIP_RETURN_CODE 77)

# docs/rules.md is generated from the rule catalogue and must match it.
add_test(NAME docs/rules-md-is-current
         COMMAND ${CMAKE_COMMAND} "-DCOMMAND=$<TARGET_FILE:drsim>;rules" -DFILE=${PROJECT_SOURCE_DIR}/docs/rules.md
                 -P ${CMAKE_CURRENT_SOURCE_DIR}/compare_output.cmake)

# An operation refused without expect_error fails the drill (SPEC §9), listed with its rule.
drsim_exit_test(cli/unexpected-refusal-exits-1 1 run --quiet ${CMAKE_CURRENT_SOURCE_DIR}/scenarios/unexpected-refusal.yaml
                MATCH "unexpected refusal of failover web1 at 30m: refused by FO-NEEDS-RECOVERY-POINT.*FAILED: 1 of 1 expectations held. 1 unexpected refusal")
drsim_exit_test(cli/unexpected-refusal-in-json 1 run --json - ${CMAKE_CURRENT_SOURCE_DIR}/scenarios/unexpected-refusal.yaml
                MATCH "\"kind\":\"unexpected_refusal\"")
drsim_exit_test(cli/expect-error-other-rule-exits-1 1 run --quiet ${CMAKE_CURRENT_SOURCE_DIR}/scenarios/expect-error-other-rule-on-some.yaml
                MATCH "web2: refused by STATE-NOT-ALLOWED")
drsim_exit_test(cli/allowed-refusals-are-notes 0 run ${PROJECT_SOURCE_DIR}/scenarios/probe/refusals-allowed-and-expected.yaml
                MATCH "Refusals \\(allowed.*COMMIT-NEEDS-FAILOVER")

# Planning warnings: listed by validate and recorded, with their rule ids, in the JSON of a run.
drsim_exit_test(cli/validate-planning-warnings 0 validate ${PROJECT_SOURCE_DIR}/scenarios/routing/a2a-retain-ip-planning-warnings.yaml
                MATCH "warning: ER-SAME-RANGE-ADVICE.*warning: RETAIN-IP-TARGET-DISCONNECTED")
drsim_exit_test(cli/json-planning-warnings 0 run --json - ${PROJECT_SOURCE_DIR}/scenarios/routing/a2a-retain-ip-planning-warnings.yaml
                MATCH "\"warnings\":\\[[^]]*\"rule\":\"RETAIN-IP-TARGET-DISCONNECTED\"")
drsim_exit_test(cli/json-reachability 0 run --json - ${PROJECT_SOURCE_DIR}/scenarios/routing/vmm-retain-ip-subnet-failover-bgp.yaml
                MATCH "\"reachability\":\\[.*\"reachable\":false.*\"rule\":\"ROUTE-NONE\"")
drsim_exit_test(cli/validate-declared-connection-refused 0 validate ${CMAKE_CURRENT_SOURCE_DIR}/scenarios/declared-connected-overlap.yaml
                MATCH "declared-connected-overlap.yaml:12:[0-9]+: warning: LNG-OVERLAP: s2s is declared connected")

# DNS (SPEC §8): every record change in the JSON with its rule and when clients have it; a
# dns_update naming a record no VM has is a planning warning.
drsim_exit_test(cli/json-dns-changes 0 run --json - ${PROJECT_SOURCE_DIR}/scenarios/dns/a2a-manual-registration-plan-step.yaml
                MATCH "\"changes\":\\[.*\"clients_from\":8340.*\"rule\":\"DNS-UPDATE\"")
drsim_exit_test(cli/validate-dns-unknown-record 0 validate ${PROJECT_SOURCE_DIR}/scenarios/seeds/vmm-06-recovery-plan.yaml
                MATCH "vmm-06-recovery-plan\\.yaml:[0-9]+:[0-9]+: warning: DNS-RECORD: no VM has the dns_name shop\\.contoso\\.example")

# SPEC §7 preconditions: validate points at what will be refused or degraded; the run records it.
set(DRSIM_PRECONDITIONS ${PROJECT_SOURCE_DIR}/scenarios/preconditions)
drsim_exit_test(cli/validate-outbound-warnings 0 validate ${DRSIM_PRECONDITIONS}/a2a-outbound-allow-lists.yaml
                MATCH "a2a-outbound-allow-lists.yaml:25:[0-9]+: warning: OUTBOUND-REQUIRED: vnet-bare: range 13.107.6.152/31 stands for no endpoint.*\\{range: 13.107.6.152/31, endpoint: storage\\|login\\|site_recovery\\|monitoring\\}.*a2a-outbound-allow-lists.yaml:71:[0-9]+: warning: OUTBOUND-REQUIRED: enable_replication of web1 will be refused: outbound from vnet-partial does not allow: Site Recovery service")
drsim_exit_test(cli/validate-china-urls 0 validate ${DRSIM_PRECONDITIONS}/a2a-outbound-china.yaml
                MATCH "warning: OUTBOUND-REQUIRED: vnet-ce-global: 'login.microsoftonline.com' is the global Azure URL of Azure AD login. China East is in Azure China, which needs 'login.chinacloudapi.cn'")
drsim_exit_test(cli/validate-proxy-warnings 0 validate ${DRSIM_PRECONDITIONS}/a2a-proxy.yaml
                MATCH "warning: PROXY-AUTH-UNSUPPORTED: enable_replication of web2 will be refused: vnet-auth sends outbound traffic through an authenticated proxy")
drsim_exit_test(cli/proxy-also-outbound-in-json 0 run --json - ${DRSIM_PRECONDITIONS}/a2a-proxy.yaml
                MATCH "\"rule\":\"PROXY-AUTH-UNSUPPORTED\"[^}]*\"target\":\"web3\"|\"also_refused_by\":\\[[^]]*\"OUTBOUND-REQUIRED\"")
drsim_exit_test(cli/validate-forced-tunnel 0 validate ${DRSIM_PRECONDITIONS}/a2a-forced-tunnel.yaml
                MATCH "a2a-forced-tunnel.yaml:[0-9]+:[0-9]+: warning: FORCED-TUNNEL-NO-UDR: vnet-tunnel forces 0.0.0.0/0 on-premises")
drsim_exit_test(cli/forced-tunnel-health-in-json 0 run --json - ${DRSIM_PRECONDITIONS}/a2a-forced-tunnel.yaml
                MATCH "\"health_after\":\"degraded\".*\"final\".*\"health\":\"degraded\"")
drsim_exit_test(cli/forced-tunnel-degraded-in-text 0 run ${DRSIM_PRECONDITIONS}/a2a-forced-tunnel.yaml
                MATCH "enable_replication web1  \\[warning -> enabling \\(degraded\\)\\]")
drsim_exit_test(cli/validate-not-replicated 0 validate ${DRSIM_PRECONDITIONS}/a2a-not-replicated.yaml
                MATCH "warning: NOT-REPLICATED: web1 is replicated, but Site Recovery does not carry its nsg, public_ip, load_balancer")
drsim_exit_test(cli/not-replicated-at-failover 0 explain ${DRSIM_PRECONDITIONS}/a2a-not-replicated.yaml --vm web3
                MATCH "failover web3  \\[warning -> failing_over\\].*NOT-REPLICATED  warning: a public IP never moves: the replica's public IP, created at the target, has a new address")
drsim_exit_test(cli/wrong-health-exits-1 1 run --quiet ${CMAKE_CURRENT_SOURCE_DIR}/scenarios/wrong-health.yaml
                MATCH "expected state=protected, health=normal, found state=protected, health=degraded")

# Studies (SPEC §11): compare runs the base and every variant; a design that misses the base's
# objective fails the comparison; a sweep's summary is the same bytes however it is spread.
set(DRSIM_STUDY ${PROJECT_SOURCE_DIR}/scenarios/studies/retain-ip-vs-change-ip.yaml)
drsim_exit_test(cli/compare-json 1 compare ${DRSIM_STUDY} --json -
                MATCH "\"expectations_held\": false.*\"clients\".*\"name\": \"change-ip-ttl-1h\".*\"clients\".*\"name\": \"retain-ip-subnet-failover\"")
drsim_exit_test(cli/compare-table 1 compare ${DRSIM_STUDY}
                MATCH "boston-users -> app erp: downtime +12m +1h7m +7m30s +7m \\*")
drsim_exit_test(cli/compare-one-variant 0 compare ${DRSIM_STUDY} --variant base --variant stretched-vlan MATCH "OK: every design")
drsim_exit_test(cli/run-variant 0 run --quiet --variant retain-ip-subnet-failover ${DRSIM_STUDY} MATCH "OK: 4 of 4")
drsim_exit_test(cli/unknown-variant 2 run --variant stretched-vlam ${DRSIM_STUDY} MATCH "did you mean 'stretched-vlan'")
drsim_exit_test(cli/validate-variants 0 validate ${DRSIM_STUDY} MATCH "variant stretched-vlan\\): valid")
set(DRSIM_TEST_MPIEXEC "")
if(DRSIM_WITH_MPI)
  set(DRSIM_TEST_MPIEXEC ${MPIEXEC_EXECUTABLE})
endif()
add_test(NAME cli/sweep-same-bytes
         COMMAND ${CMAKE_COMMAND} -DDRSIM=$<TARGET_FILE:drsim> -DFILE=${DRSIM_STUDY} -DDIR=${CMAKE_CURRENT_BINARY_DIR}
                 -DMPIEXEC=${DRSIM_TEST_MPIEXEC} -P ${CMAKE_CURRENT_SOURCE_DIR}/sweep_same_bytes.cmake)
# An error inside a variant's patch is located at the patch.
drsim_exit_test(cli/variant-error-at-patch 2 validate ${CMAKE_CURRENT_SOURCE_DIR}/scenarios/variant-patch-error.yaml
                MATCH "variant-patch-error\\.yaml:8:31: error: unknown site 'C' \\(did you mean 'A'\\?\\)")
drsim_exit_test(cli/compare-expressroute 0 compare ${PROJECT_SOURCE_DIR}/scenarios/studies/expressroute-same-or-different-ranges.yaml
                MATCH "hq-users -> app crm: downtime +7m \\* +12m +2h")

# Out of memory ends with one message and exit 3 (README), not an abort. Under `ulimit -v`, which the
# sanitizers' own reservations cannot run in: checked in builds without them (scripts/bench's).
if(NOT DRSIM_SANITIZE)
  add_test(NAME cli/out-of-memory-exits-3
           COMMAND sh -c "ulimit -v 300000; \"$0\" run -q \"$1\"; echo \"exit status $?\""
                   $<TARGET_FILE:drsim> ${PROJECT_SOURCE_DIR}/tests/scenarios/large-for-memory.yaml)
  set_tests_properties(cli/out-of-memory-exits-3 PROPERTIES
                       PASS_REGULAR_EXPRESSION "drsim: error: out of memory.*exit status 3")
endif()

# Outputs (sim/cli/output_files.hpp): devices and FIFOs written in place, no predictable temporary,
# write errors reported with exit 4, all outputs or none, an output never replacing the scenario.
add_test(NAME cli/output-files
         COMMAND ${CMAKE_COMMAND} -DDRSIM=$<TARGET_FILE:drsim> -DFILE=${PROJECT_SOURCE_DIR}/scenarios/demo/east-asia-drill.yaml
                 -DDIR=${CMAKE_CURRENT_BINARY_DIR}/output-files -P ${CMAKE_CURRENT_SOURCE_DIR}/output_files.cmake)
# Contradicting options and one file named by two outputs are refused before anything runs.
# Two documents to standard output would interleave: refused.
drsim_exit_test(cli/two-outputs-to-stdout 2 run --json - --csv - ${PROJECT_SOURCE_DIR}/scenarios/demo/east-asia-drill.yaml
                ERROR_MATCH "^drsim: error: --json - and --csv -: both would write standard output" STDOUT_EMPTY)
# A scenario from standard input ("-"), named <stdin> in messages; a located error starts with the
# file name, as a compiler's does; the errors of one file are reported together (up to 20).
drsim_exit_test(cli/scenario-from-stdin 0 run --quiet - INPUT ${PROJECT_SOURCE_DIR}/scenarios/demo/east-asia-drill.yaml
                MATCH "OK: ")
drsim_exit_test(cli/stdin-errors-located 2 validate - INPUT ${CMAKE_CURRENT_SOURCE_DIR}/malformed/unknown-vm.yaml
                ERROR_MATCH "^<stdin>:26:20: error: unknown VM 'web-1'")
drsim_exit_test(cli/several-errors-reported 2 validate ${CMAKE_CURRENT_SOURCE_DIR}/scenarios/several-errors.yaml
                ERROR_MATCH "^[^\n]*several-errors\\.yaml:11:[0-9]+: error: [^\n]*\n[^\n]*several-errors\\.yaml:1[0-9]:[0-9]+: error: [^\n]*\n[^\n]*several-errors\\.yaml:2[0-9]:[0-9]+: error: [^\n]*\n$")
# --seed and --run override the file: run R of a sweep replays with the faults that sweep drew.
drsim_exit_test(cli/run-seed-in-json 0 run --json - --seed 77 --run 3 ${PROJECT_SOURCE_DIR}/scenarios/demo/east-asia-drill.yaml
                MATCH "\"run\":3,[^{]*\"seed\":77,")
# Machine-readable outputs (docs/output-format.md): the CSV has real columns for where each instance
# is; --metrics-csv writes the metrics as tidy rows; Azure's words beside drsim's states.
drsim_exit_test(cli/csv-replica-columns 0 run --csv - ${DRSIM_STUDY}
                MATCH "\n7200,failover,erp-1,start,ok,,replica at Chicago[^\n]*,failing_over,normal,replica,Chicago,VMNet-CH,erp,192\\.168\\.20\\.50,UnplannedFailoverInProgress,Recovery,34\n")
drsim_exit_test(cli/metrics-csv 0 run --metrics-csv - ${DRSIM_STUDY}
                MATCH "^scope,name,client,metric,value,unit\nvm,erp-1,,downtime,420,s\n.*\nclient_app,erp,boston-users,downtime,720,s\n")
drsim_exit_test(cli/json-azure-terms 0 run --json - ${PROJECT_SOURCE_DIR}/scenarios/seeds/vmm-04-failback.yaml
                MATCH "\"azure_after\":{[^}]*\"protectionState\":\"PlannedFailoverInProgress\"")
drsim_exit_test(cli/explain-azure-terms 0 explain ${PROJECT_SOURCE_DIR}/scenarios/seeds/vmm-04-failback.yaml --vm vm-a
                MATCH "reprotect vm-a  \\[ok -> reprotecting\\]\n *Azure  protectionState ReprotectInProgress, activeLocation Recovery, RecoveryToPrimary. allowedOperations: none")
# A scenario file is UTF-8: one in UTF-16 or UTF-32 is refused at 1:1, by its byte-order mark.
drsim_exit_test(cli/utf16-refused 2 validate ${CMAKE_CURRENT_SOURCE_DIR}/scenarios/utf16-bom.yaml
                ERROR_MATCH "utf16-bom\\.yaml:1:1: error: the file is UTF-16")
drsim_exit_test(cli/utf32-refused 2 validate ${CMAKE_CURRENT_SOURCE_DIR}/scenarios/utf32-bom.yaml
                ERROR_MATCH "utf32-bom\\.yaml:1:1: error: the file is UTF-32")
# A name with escape codes is valid, and every text output shows it escaped (reporting/printable).
drsim_exit_test(cli/names-escaped-in-timeline 0 run ${CMAKE_CURRENT_SOURCE_DIR}/scenarios/escape-codes-in-names.yaml
                MATCH "enable_replication web1\\\\x1b\\[2J\\\\x1b\\]0.pwned\\\\x07")
# graph --after: where each replica came back with its address, connections by kind and state.
drsim_exit_test(cli/graph-after-replicas-and-connections 0 graph --after ${PROJECT_SOURCE_DIR}/scenarios/routing/hyperv-retain-ip-to-azure-static.yaml
                MATCH "\"subnet:vnet-dr/app\" -- \"vm:web1/replica/vnet-dr/app\".*\"site:Woodgrove HQ\" -- \"net:vnet-dr\" \\[label=\"s2s-clash\\\\nvpn, disconnected\", color=darkorange, style=dashed\\]")
drsim_exit_test(cli/graph-before-shows-vms 0 graph ${PROJECT_SOURCE_DIR}/scenarios/routing/hyperv-retain-ip-to-azure-static.yaml
                MATCH "\"vm:web1/primary/hq-lan/[^\"]*\" \\[label=\"web1\\\\n192\\.168\\.1\\.10\"")
drsim_exit_test(cli/quiet-and-verbose 2 run --quiet --verbose ${PROJECT_SOURCE_DIR}/scenarios/demo/east-asia-drill.yaml
                MATCH "^drsim: error: --quiet and --verbose contradict each other")
drsim_exit_test(cli/two-outputs-one-path 2 run --json same.out --csv same.out ${PROJECT_SOURCE_DIR}/scenarios/demo/east-asia-drill.yaml
                MATCH "^drsim: error: --csv same.out: --json writes the same file")
drsim_exit_test(cli/compare-two-outputs-one-path 2 compare --json ./same.out --csv same.out ${PROJECT_SOURCE_DIR}/scenarios/demo/east-asia-drill.yaml
                MATCH "--json writes the same file")

# The HTML report in a browser (tests/browser/report_in_browser.sh): a scenario with reachability
# and a generated one past every limit of the page, loaded in headless Chromium: no console
# message, no script error, every drawing with a size. Skipped when Chromium is not installed.
function(drsim_browser_test name scenario)
  add_test(NAME ${name} COMMAND ${PROJECT_SOURCE_DIR}/tests/browser/report_in_browser.sh $<TARGET_FILE:drsim>
                                ${CMAKE_CURRENT_BINARY_DIR}/browser ${ARGN} ${scenario})
  set_tests_properties(${name} PROPERTIES SKIP_RETURN_CODE 77 TIMEOUT 600)
endfunction()
drsim_browser_test(browser/report-retain-ip-bgp ${PROJECT_SOURCE_DIR}/scenarios/routing/vmm-retain-ip-subnet-failover-bgp.yaml
                   retain-ip-bgp)
# 5,000 VMs in 50 apps, 500 subnets, 50 branches, 200 clients: 10,000 client and app pairs.
add_test(NAME browser/generate-5000-vms
         COMMAND sh -c "mkdir -p '${CMAKE_CURRENT_BINARY_DIR}/browser' && '${PROJECT_SOURCE_DIR}/scripts/gen-scenario' --vms 5000 --connectivity > '${CMAKE_CURRENT_BINARY_DIR}/browser/connectivity-5000.yaml'")
set_tests_properties(browser/generate-5000-vms PROPERTIES FIXTURES_SETUP browser-5000)
drsim_browser_test(browser/report-5000-vms ${CMAKE_CURRENT_BINARY_DIR}/browser/connectivity-5000.yaml connectivity-5000)
set_tests_properties(browser/report-5000-vms PROPERTIES FIXTURES_REQUIRED browser-5000)
