# cmake -DWORK_DIR= -DSOURCE_DIR= -DFUNCTIONS= -DGENERATOR= -DCXX_COMPILER= -DQT6_DIR=
#       -P check_fast_loop.cmake
# Configures fastloop/ under several settings and checks what qhot_add_library
# set up for the fast loop: on by default for a hot library, FAST_LOOP OFF per
# target, QHOTRELOAD_FAST_LOOP=OFF for all (FAST_LOOP ON still for one), one
# part off by its own cache variable, a linker asked for, nothing with hot
# reload off, and a clear error for a FAST_LOOP that is not on or off. The
# precompiled header: libraries with the same flags reuse one owner's, one
# with other flags another's, one with a PCH of its own keeps it, and
# QHOTRELOAD_FAST_LOOP_PCH_SHARED=OFF gives each its own.

function(configure name out)
    set(dir "${WORK_DIR}/${name}")
    file(REMOVE_RECURSE "${dir}")
    execute_process(COMMAND "${CMAKE_COMMAND}" -S "${SOURCE_DIR}" -B "${dir}" -G "${GENERATOR}"
            "-DCMAKE_CXX_COMPILER=${CXX_COMPILER}" "-DQt6_DIR=${QT6_DIR}" "-DQHOT_FUNCTIONS=${FUNCTIONS}"
            -DCMAKE_BUILD_TYPE=RelWithDebInfo ${ARGN}
        RESULT_VARIABLE result OUTPUT_VARIABLE output ERROR_VARIABLE output)
    set(${out} "${output}" PARENT_SCOPE)
    set(${out}_result "${result}" PARENT_SCOPE)
endfunction()

# expect(<output> <target> <regex>): the FASTLOOP line of <target> matches.
function(expect output target regex)
    if(NOT output MATCHES "FASTLOOP ${target} ([^\n]*)")
        message(FATAL_ERROR "no FASTLOOP line for ${target}:\n${output}")
    endif()
    set(line "${CMAKE_MATCH_1}")
    if(NOT line MATCHES "${regex}")
        message(FATAL_ERROR "${target}: '${line}' does not match '${regex}'")
    endif()
endfunction()

configure(default out)
if(NOT out_result EQUAL 0)
    message(FATAL_ERROR "configure failed:\n${out}")
endif()
expect("${out}" fast "^ON options=\\[[^]]*-O0[^]]*-g0[^]]*\\] link=\\[[^]]*-fuse-ld=(mold|lld|gold)[^]]*\\] pch=\\[pch-NOTFOUND\\] reuse=\\[qhot_fastloop_pch_[0-9]+\\]")
# One owner for fast and forced, another for tuned (-O1), none for own.
string(REGEX MATCH "FASTLOOP fast [^\n]* reuse=\\[([^]]*)\\]" _ "${out}")
set(fast_owner "${CMAKE_MATCH_1}")
expect("${out}" forced "reuse=\\[${fast_owner}\\] pch_of=\\[${fast_owner}\\]$")
expect("${out}" tuned "reuse=\\[qhot_fastloop_pch_[0-9]+\\]")
expect("${out}" tuned "-O1")
if(out MATCHES "FASTLOOP tuned [^\n]*reuse=\\[${fast_owner}\\]")
    message(FATAL_ERROR "tuned (-O1) reuses the PCH of fast (-O0):\n${out}")
endif()
expect("${out}" own "pch=\\[<vector>;[^]]*qhot_fastloop_core[^]]*\\] reuse=\\[reuse-NOTFOUND\\] pch_of=\\[own\\]$")
expect("${out}" slow "^OFF options=\\[[^]]*\\] link=\\[[^]]*\\] pch=\\[pch-NOTFOUND\\] reuse=\\[reuse-NOTFOUND\\]")
expect("${out}" slow "^OFF options=[^ ]* link=\\[(LINKER:-Bsymbolic)?\\]")
find_program(MOLD mold)
if(MOLD)
    expect("${out}" fast "-fuse-ld=mold")
endif()

configure(off out -DQHOTRELOAD_FAST_LOOP=OFF)
expect("${out}" fast "^OFF ")
expect("${out}" forced "^ON .*-O0")

configure(parts out -DQHOTRELOAD_FAST_LOOP_PCH=OFF -DQHOTRELOAD_FAST_LOOP_DEBUG=-g1
    -DQHOTRELOAD_FAST_LOOP_LINKER=default)
expect("${out}" fast "^ON options=\\[[^]]*-O0[^]]*-g1[^]]*\\] link=\\[(LINKER:-Bsymbolic)?\\] pch=\\[pch-NOTFOUND\\]")

configure(unshared out -DQHOTRELOAD_FAST_LOOP_PCH_SHARED=OFF)
expect("${out}" fast "pch=\\[[^]]*qhot_fastloop_core[^]]*\\] reuse=\\[reuse-NOTFOUND\\] pch_of=\\[fast\\]$")
expect("${out}" forced "pch=\\[[^]]*qhot_fastloop_core[^]]*\\] reuse=\\[reuse-NOTFOUND\\] pch_of=\\[forced\\]$")

configure(static out -DQHOTRELOAD_ENABLED=OFF)
expect("${out}" fast "^OFF options=\\[options-NOTFOUND\\]")

configure(bad out -DBAD_VALUE=maybe)
if(out_result EQUAL 0 OR NOT out MATCHES "FAST_LOOP takes ON or OFF, not 'maybe'")
    message(FATAL_ERROR "FAST_LOOP maybe was not refused clearly:\n${out}")
endif()
message(STATUS "fast loop settings as expected")
