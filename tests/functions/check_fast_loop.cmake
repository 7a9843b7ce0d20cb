# cmake -DWORK_DIR= -DSOURCE_DIR= -DFUNCTIONS= -DGENERATOR= -DCXX_COMPILER= -DQT6_DIR=
#       -P check_fast_loop.cmake
# Configures fastloop/ under several settings and checks what qhot_add_library
# set up for the fast loop: on by default for a hot library, FAST_LOOP OFF per
# target, QHOTRELOAD_FAST_LOOP=OFF for all (FAST_LOOP ON still for one), one
# part off by its own cache variable, a linker asked for, nothing with hot
# reload off, and a clear error for a FAST_LOOP that is not on or off.

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
expect("${out}" fast "^ON options=\\[[^]]*-O0[^]]*-g0[^]]*\\] link=\\[[^]]*-fuse-ld=(mold|lld|gold)[^]]*\\] pch=\\[.*qhot_fastloop_")
expect("${out}" slow "^OFF options=\\[[^]]*\\] link=\\[[^]]*\\] pch=\\[pch-NOTFOUND\\]")
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

configure(static out -DQHOTRELOAD_ENABLED=OFF)
expect("${out}" fast "^OFF options=\\[options-NOTFOUND\\]")

configure(bad out -DBAD_VALUE=maybe)
if(out_result EQUAL 0 OR NOT out MATCHES "FAST_LOOP takes ON or OFF, not 'maybe'")
    message(FATAL_ERROR "FAST_LOOP maybe was not refused clearly:\n${out}")
endif()
message(STATUS "fast loop settings as expected")
