# Runs QDoc for the API reference and fails on any warning:
#   cmake -DSETTINGS=<build>/doc/qdoc-settings.cmake [-DOUTPUT_DIR=...] -P run-qdoc.cmake
# SETTINGS (written by doc/CMakeLists.txt) gives the defaults; the docs test
# overrides OUTPUT_DIR, LOG and GENERATED_DIR. Warnings that point into the
# generated comment files are reported at the header they came from.

if(NOT SETTINGS OR NOT EXISTS "${SETTINGS}")
    message(FATAL_ERROR "run-qdoc.cmake: SETTINGS must name the qdoc-settings.cmake of a build tree")
endif()
include("${SETTINGS}")

foreach(var QDOC QDOCCONF OUTPUT_DIR LOG GENERATED_DIR SOURCE_DIR INCLUDE_DIRS QT_INSTALL_DOCS QT_VERSION PROJECT_VERSION)
    if(NOT DEFINED ${var})
        message(FATAL_ERROR "run-qdoc.cmake: ${var} not set")
    endif()
endforeach()

# What the qdocconf and Qt's own included configuration read.
set(ENV{QT_INSTALL_DOCS} "${QT_INSTALL_DOCS}")
set(ENV{QT_VERSION} "${QT_VERSION}")
string(REGEX MATCH "^[0-9]+\\.[0-9]+" qt_ver "${QT_VERSION}")
set(ENV{QT_VER} "${qt_ver}")
string(REPLACE "." "" qt_version_tag "${QT_VERSION}")
set(ENV{QT_VERSION_TAG} "${qt_version_tag}")
set(ENV{QHOTRELOAD_VERSION} "${PROJECT_VERSION}")
set(ENV{QHOTRELOAD_GENERATED_DIR} "${GENERATED_DIR}")
set(ENV{QHOTRELOAD_SOURCE_DIR} "${SOURCE_DIR}")

string(REPLACE "|" ";" include_dirs "${INCLUDE_DIRS}")
set(include_args "")
foreach(dir IN LISTS include_dirs)
    list(APPEND include_args -I "${dir}")
endforeach()

file(REMOVE_RECURSE "${OUTPUT_DIR}")
execute_process(
    COMMAND "${QDOC}" --outputdir "${OUTPUT_DIR}" ${include_args} "${QDOCCONF}"
    RESULT_VARIABLE result
    OUTPUT_VARIABLE output
    ERROR_VARIABLE output)

# A generated file's line is its header's line (tools/headerdocs.cpp).
string(REPLACE "${GENERATED_DIR}/" "${SOURCE_DIR}/" output "${output}")
string(REGEX REPLACE "\\.h\\.cpp:" ".h:" output "${output}")
file(WRITE "${LOG}" "${output}")

string(REGEX MATCHALL "\\(qdoc\\) warning:" warnings "${output}")
list(LENGTH warnings warning_count)
if(warning_count GREATER 0 OR NOT result EQUAL 0)
    message("${output}")
    # No partial reference: the next build runs QDoc again.
    file(REMOVE "${OUTPUT_DIR}/qhotreload.index")
    message(FATAL_ERROR "QDoc: ${warning_count} warning(s), exit code ${result} (log: ${LOG}); the reference must build without warnings")
endif()
message(STATUS "QDoc: no warnings; the reference is in ${OUTPUT_DIR}")
