# Writing outputs safely, through the drsim program. DRSIM is the program, FILE a scenario whose
# expectations hold, DIR a scratch directory (emptied first).
file(REMOVE_RECURSE ${DIR})
file(MAKE_DIRECTORY ${DIR})

function(expect_status expected)
  cmake_parse_arguments(ARG "" "MATCH;STDOUT" "" ${ARGN})
  if(NOT ARG_STDOUT)
    set(ARG_STDOUT ${DIR}/stdout)
  endif()
  execute_process(COMMAND ${DRSIM} ${ARG_UNPARSED_ARGUMENTS} RESULT_VARIABLE status OUTPUT_FILE ${ARG_STDOUT}
                  ERROR_VARIABLE err TIMEOUT 60)
  if(NOT status STREQUAL "${expected}")
    message(FATAL_ERROR "drsim ${ARG_UNPARSED_ARGUMENTS}: expected exit status ${expected}, got ${status}\n${err}")
  endif()
  if(ARG_MATCH AND NOT err MATCHES "${ARG_MATCH}")
    message(FATAL_ERROR "drsim ${ARG_UNPARSED_ARGUMENTS}: standard error does not match '${ARG_MATCH}':\n${err}")
  endif()
endfunction()

function(expect_file_type flag path)  # flag of test(1): -c character device, -p FIFO
  execute_process(COMMAND test ${flag} ${path} RESULT_VARIABLE not_it)
  if(not_it)
    message(FATAL_ERROR "${path} is no longer what it was (test ${flag} failed): an output replaced it")
  endif()
endfunction()

execute_process(COMMAND id -u OUTPUT_VARIABLE uid OUTPUT_STRIP_TRAILING_WHITESPACE)

# A device is written in place, never replaced by a regular file. As root, on a private device
# node (mknod) so that a failure cannot break the machine's /dev/null; then on /dev/null itself.
execute_process(COMMAND mknod ${DIR}/null c 1 3 RESULT_VARIABLE no_mknod ERROR_QUIET)
if(NOT no_mknod)
  expect_status(0 run --quiet --json ${DIR}/null ${FILE})
  expect_file_type(-c ${DIR}/null)
elseif(uid STREQUAL "0")
  message(FATAL_ERROR "running as root but mknod failed: the device test would prove nothing")
else()
  message(STATUS "not root: /dev/null could not be replaced anyway; checking it stays a device")
endif()
expect_status(0 run --quiet --json /dev/null --csv ${DIR}/events.csv ${FILE})
expect_file_type(-c /dev/null)

# A FIFO is written in place: a reader gets the JSON (the old code renamed a file over the FIFO
# and the reader waited forever: the timeout catches it).
execute_process(COMMAND mkfifo ${DIR}/fifo RESULT_VARIABLE no_fifo)
if(no_fifo)
  message(FATAL_ERROR "mkfifo failed")
endif()
# The reader also drains drsim's standard output (its summary line), which the pipeline hands it.
execute_process(COMMAND ${DRSIM} run --quiet --json ${DIR}/fifo ${FILE}
                COMMAND sh -c "cat '${DIR}/fifo' > '${DIR}/from-fifo'; cat > /dev/null"
                RESULTS_VARIABLE statuses TIMEOUT 60)
file(READ ${DIR}/from-fifo through_fifo)
if(NOT statuses STREQUAL "0;0" OR NOT through_fifo MATCHES "\"expectations\"")
  message(FATAL_ERROR "--json FIFO: statuses ${statuses}, read:\n${through_fifo}")
endif()
expect_file_type(-p ${DIR}/fifo)

# A signal while a temporary is in flight removes it: out.json's temporary is complete when drsim
# waits to open the FIFO (no reader), and `timeout` sends the signal then.
foreach(sig TERM INT)
  execute_process(COMMAND timeout -s ${sig} 3 ${DRSIM} run --quiet --json ${DIR}/signalled.json --csv ${DIR}/fifo ${FILE}
                  RESULT_VARIABLE status OUTPUT_QUIET ERROR_QUIET)
  file(GLOB leftovers ${DIR}/.signalled.json.*)
  if(NOT status EQUAL 124 OR leftovers OR EXISTS ${DIR}/signalled.json)
    message(FATAL_ERROR "SIG${sig} while writing: status ${status} (124 expected), left behind: ${leftovers}")
  endif()
endforeach()

# A symlink planted at the old predictable temporary name is not followed.
file(WRITE ${DIR}/victim "precious")
file(CREATE_LINK ${DIR}/victim ${DIR}/out.json.tmp SYMBOLIC)
expect_status(0 run --quiet --json ${DIR}/out.json ${FILE})
file(READ ${DIR}/victim victim)
if(NOT victim STREQUAL "precious")
  message(FATAL_ERROR "the symlink planted at out.json.tmp was followed: its target was overwritten")
endif()
file(GLOB leftovers ${DIR}/.out.json.*)
if(leftovers)
  message(FATAL_ERROR "temporaries left behind: ${leftovers}")
endif()

# Two runs writing one path at once: each has its own temporary, neither fails, the last rename wins.
foreach(round RANGE 1 5)
  execute_process(COMMAND sh -c "'${DRSIM}' run --quiet --json '${DIR}/both.json' '${FILE}' & first=$!
                                 '${DRSIM}' run --quiet --json '${DIR}/both.json' '${FILE}'; second=$?
                                 wait $first; exit $(( $? + second ))"
                  RESULT_VARIABLE status OUTPUT_QUIET ERROR_VARIABLE err)
  file(GLOB leftovers ${DIR}/.both.json.*)
  if(NOT status EQUAL 0 OR leftovers)
    message(FATAL_ERROR "two runs writing one path: status ${status}, left behind: ${leftovers}\n${err}")
  endif()
endforeach()
file(READ ${DIR}/both.json both)
if(NOT both MATCHES "\"all_held\":true")
  message(FATAL_ERROR "two runs writing one path left:\n${both}")
endif()

# A write error on standard output or on a device: one line, exit 4.
expect_status(4 run --json - ${FILE} STDOUT /dev/full MATCH "^drsim: error: cannot write standard output: No space left on device\n$")
expect_status(4 run ${FILE} STDOUT /dev/full MATCH "^drsim: error: cannot write standard output: No space left on device\n$")
expect_status(4 run --quiet --json /dev/full ${FILE} MATCH "^drsim: error: cannot write /dev/full: No space left on device\n$")

# All or none: the device failing, the files named with it are neither created nor replaced.
file(WRITE ${DIR}/old.csv "old")
expect_status(4 run --quiet --json ${DIR}/new.json --csv ${DIR}/old.csv --report /dev/full ${FILE} MATCH "/dev/full")
file(READ ${DIR}/old.csv old)
if(EXISTS ${DIR}/new.json OR NOT old STREQUAL "old")
  message(FATAL_ERROR "an output was written though another failed")
endif()

# The timeline on standard output is one of the outputs: it failing, no file is created or replaced.
expect_status(4 run --quiet --json ${DIR}/timeline-failed.json --csv ${DIR}/old.csv ${FILE} STDOUT /dev/full
              MATCH "^drsim: error: cannot write standard output: No space left on device\n$")
file(READ ${DIR}/old.csv old)
if(EXISTS ${DIR}/timeline-failed.json OR NOT old STREQUAL "old")
  message(FATAL_ERROR "an output file was written though standard output failed")
endif()

# An output naming the scenario file itself is refused before anything runs.
configure_file(${FILE} ${DIR}/drill.yaml COPYONLY)
file(READ ${DIR}/drill.yaml before)
expect_status(2 run --json ${DIR}/drill.yaml ${DIR}/drill.yaml MATCH "--json .*drill.yaml: is the scenario file")
expect_status(2 sweep --runs 2 --runs-out ${DIR}/drill.yaml ${DIR}/drill.yaml MATCH "--runs-out .*drill.yaml: is the scenario file")
file(READ ${DIR}/drill.yaml after)
if(NOT before STREQUAL after)
  message(FATAL_ERROR "the scenario file was overwritten by an output")
endif()
