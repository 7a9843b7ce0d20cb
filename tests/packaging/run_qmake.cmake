# cmake -P run_qmake.cmake: builds examples/qmake with qmake against the
# installed prefix, as its README tells a user to, plus a second build of its
# hot library (LOGIC_VERSION=2), then runs the host, which loads the first
# build, swaps the second in and must exit 0 (the reload was seen).
#
#   -DQMAKE= -DMAKE= -DEXAMPLE_DIR= -DBINARY_DIR= -DPREFIX= -DDATADIR=
#   -DCXX_COMPILER= -DCXX_COMPILER_ID= [-DCXX_FLAGS=] [-DLINKER_FLAGS=] [-DREADELF=]

if(NOT QMAKE OR NOT EXISTS "${QMAKE}")
    message(FATAL_ERROR "qmake6 not found (install qt6-base-dev-tools): SKIPPED")
endif()
if(NOT MAKE)
    message(FATAL_ERROR "make not found: SKIPPED")
endif()
foreach(var EXAMPLE_DIR BINARY_DIR PREFIX DATADIR CXX_COMPILER)
    if(NOT DEFINED ${var} OR "${${var}}" STREQUAL "")
        message(FATAL_ERROR "run_qmake.cmake: ${var} is not set")
    endif()
endforeach()

include("${CMAKE_CURRENT_LIST_DIR}/hotchecks.cmake")

function(run what dir)
    execute_process(COMMAND ${ARGN} WORKING_DIRECTORY "${dir}"
        RESULT_VARIABLE result OUTPUT_VARIABLE output ERROR_VARIABLE output)
    if(NOT result EQUAL 0)
        message(FATAL_ERROR "${what} failed (${result}):\n${output}")
    endif()
    set(output "${output}" PARENT_SCOPE)
endfunction()

# What a user sets once (README): where qmake finds CONFIG += qhotreload.
set(ENV{QMAKEFEATURES} "${PREFIX}/${DATADIR}/qhotreload/qmake")

# The parent build's compiler and flags (a sanitizer build needs them in the
# application too, as it links the sanitized runtime).
set(qmake_args)
if(CXX_COMPILER_ID STREQUAL "Clang")
    list(APPEND qmake_args -spec linux-clang)
endif()
list(APPEND qmake_args "QMAKE_CXX=${CXX_COMPILER}" "QMAKE_LINK=${CXX_COMPILER}"
    "QMAKE_LINK_SHLIB=${CXX_COMPILER}")
if(CXX_FLAGS)
    list(APPEND qmake_args "QMAKE_CXXFLAGS+=${CXX_FLAGS}")
endif()
if(LINKER_FLAGS)
    list(APPEND qmake_args "QMAKE_LFLAGS+=${LINKER_FLAGS}")
endif()

file(REMOVE_RECURSE "${BINARY_DIR}")
file(MAKE_DIRECTORY "${BINARY_DIR}/example" "${BINARY_DIR}/logic_v2")

# The example as a user builds it: a shadow build of the SUBDIRS project.
run("qmake (example)" "${BINARY_DIR}/example" "${QMAKE}" ${qmake_args} "${EXAMPLE_DIR}/qmake.pro")
run("make (example)" "${BINARY_DIR}/example" "${MAKE}" -j2)
message(STATUS "built the example in ${BINARY_DIR}/example")
# The next version of its hot library.
run("qmake (logic v2)" "${BINARY_DIR}/logic_v2" "${QMAKE}" ${qmake_args} LOGIC_VERSION=2
    "${EXAMPLE_DIR}/logic/logic.pro")
run("make (logic v2)" "${BINARY_DIR}/logic_v2" "${MAKE}" -j2)

set(library "${BINARY_DIR}/example/logic/liblogic.so")
set(next "${BINARY_DIR}/logic_v2/liblogic.so")
foreach(file "${library}" "${next}")
    if(NOT EXISTS "${file}" OR IS_SYMLINK "${file}")
        message(FATAL_ERROR "${file} is not a plain file: CONFIG += qhotreload_library must build one unversioned library")
    endif()
endforeach()

# What CONFIG += qhotreload_library promises: only the manifest is exported
# (hidden visibility), it binds to itself (-Bsymbolic), and GCC's unique
# symbols are off.
if(READELF)
    run("readelf" "${BINARY_DIR}" "${READELF}" --dyn-syms -W "${library}")
    string(REGEX MATCHALL "GLOBAL +DEFAULT +[0-9]+ +[^\n]*" exported "${output}")
    string(REGEX REPLACE "GLOBAL +DEFAULT +[0-9]+ +" "" exported "${exported}")
    message(STATUS "liblogic.so exports: ${exported}")
    if(NOT exported STREQUAL "qhotreload_manifest_v1")
        message(FATAL_ERROR "liblogic.so must export qhotreload_manifest_v1 only, exports: ${exported}")
    endif()
    # Linked with -Bsymbolic: it binds to itself, never to another copy.
    qhot_check_binds_locally("${READELF}" "${library}")
    # The fast loop (on by default): -g0 and the first fast linker found.
    qhot_check_fast_loop("${READELF}" "${library}" logic.cpp)
endif()
# The fast loop's -O0 after the configuration's flags, and its precompiled
# Qt headers (GCC's logic.gch; the build would have failed without it, the
# compiler being told to -include it).
file(READ "${BINARY_DIR}/example/logic/Makefile" makefile)
string(REGEX MATCH "\nCXXFLAGS[^\n]*" cxxflags "${makefile}")
if(NOT cxxflags MATCHES "-O0 -g0")
    message(FATAL_ERROR "the hot library is not compiled with the fast loop's -O0 -g0:${cxxflags}")
endif()
if(CXX_COMPILER_ID STREQUAL "GNU" AND NOT IS_DIRECTORY "${BINARY_DIR}/example/logic/logic.gch")
    message(FATAL_ERROR "the fast loop's precompiled header was not built (no logic.gch)")
endif()
if(CXX_COMPILER_ID STREQUAL "GNU")
    if(NOT makefile MATCHES "-fno-gnu-unique")
        message(FATAL_ERROR "the hot library is not compiled with -fno-gnu-unique")
    endif()
endif()

execute_process(COMMAND "${BINARY_DIR}/example/host/host" --swap-in "${next}"
    RESULT_VARIABLE result OUTPUT_VARIABLE output ERROR_VARIABLE output TIMEOUT 180)
message("${output}")
if(NOT result EQUAL 0)
    message(FATAL_ERROR "the host failed (${result})")
endif()
foreach(line "answer() = 1" "answer() = 2" "PASSED")
    string(FIND "${output}" "${line}" at)
    if(at EQUAL -1)
        message(FATAL_ERROR "the host did not print '${line}'")
    endif()
endforeach()
