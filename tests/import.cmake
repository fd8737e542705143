# drsim import (sim/import/): the sample listings under scenarios/import/azure/ import into a
# scenario `drsim validate` accepts; bad listings are refused with their place. Included from
# tests/CMakeLists.txt after scenarios.cmake (drsim_exit_test).
set(DRSIM_AZURE_SAMPLE ${PROJECT_SOURCE_DIR}/scenarios/import/azure)
add_test(NAME cli/import-azure-sample
         COMMAND ${CMAKE_COMMAND} -DDRSIM=$<TARGET_FILE:drsim> -DSAMPLE=${DRSIM_AZURE_SAMPLE}
                 -DDIR=${CMAKE_CURRENT_BINARY_DIR}/import-azure -P ${CMAKE_CURRENT_SOURCE_DIR}/import_sample.cmake)
drsim_exit_test(cli/import-help 0 import --help MATCH "drsim import azure --vnets FILE")
drsim_exit_test(cli/import-help-topic 0 help import MATCH "--vms")
drsim_exit_test(cli/import-in-usage 0 --help MATCH "import azure")
drsim_exit_test(cli/import-vnets-only 0 import azure --vnets ${DRSIM_AZURE_SAMPLE}/vnets.json
                MATCH "# vms: none imported")
drsim_exit_test(cli/import-not-json 2 import azure --vnets ${PROJECT_SOURCE_DIR}/scenarios/demo/east-asia-drill.yaml
                MATCH "east-asia-drill\\.yaml:1:1: error: not JSON")
drsim_exit_test(cli/import-swapped 2 import azure --vnets ${DRSIM_AZURE_SAMPLE}/vms.json
                MATCH "vms\\.json:2:3: error: \\[0\\]: this is a VM, not a VNet")
drsim_exit_test(cli/import-output-is-input 2 import azure --vnets ${DRSIM_AZURE_SAMPLE}/vnets.json -o ${DRSIM_AZURE_SAMPLE}/vnets.json
                MATCH "which the output would replace")
drsim_exit_test(cli/import-unknown-source 2 import azur --vnets x.json MATCH "did you mean 'azure'")
drsim_exit_test(cli/import-no-vnets 2 import azure MATCH "needs --vnets FILE")
drsim_exit_test(cli/import-missing-file 2 import azure --vnets /nonexistent/vnets.json MATCH "/nonexistent/vnets.json: error: cannot read")
