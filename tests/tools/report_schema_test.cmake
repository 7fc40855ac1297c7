# A ctest step: runs `mde-preflight check --format json --offline` (through EMULATOR when the
# build is cross-compiled: Wine) and validates the report against the JSON Schema with
# validate_report.py; the report's host.os.family must be FAMILY.
#   cmake -DEMULATOR=... -DAGENT=... -DPYTHON=... -DVALIDATOR=... -DSCHEMA=... -DREPORT=...
#         -DFAMILY=windows -P report_schema_test.cmake
execute_process(COMMAND ${EMULATOR} ${AGENT} check --format json --offline
                OUTPUT_VARIABLE report ERROR_VARIABLE errors RESULT_VARIABLE rc)
# 0 nothing failed, 1 a check failed: both print a report (DESIGN.md, exit codes).
if(NOT rc MATCHES "^[01]$")
  message(FATAL_ERROR "mde-preflight exited with ${rc}:\n${errors}")
endif()
file(WRITE ${REPORT} "${report}")
execute_process(COMMAND ${PYTHON} ${VALIDATOR} ${SCHEMA} ${REPORT} RESULT_VARIABLE valid)
if(NOT valid EQUAL 0)
  message(FATAL_ERROR "the report in ${REPORT} does not validate against ${SCHEMA}")
endif()
string(JSON family ERROR_VARIABLE json_error GET "${report}" host os family)
if(NOT family STREQUAL FAMILY)
  message(FATAL_ERROR "host.os.family is '${family}', expected '${FAMILY}' ${json_error}")
endif()
message(STATUS "the report validates and says host.os.family ${family}")
