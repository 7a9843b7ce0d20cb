# cmake -P run_consumer.cmake: configures the consumer project from scratch in
# BINARY_DIR with the parent build's generator, compiler, flags and Qt, builds
# it, runs its host (which must print PASSED and exit 0) and checks whether the
# host needs the QHotReload runtime (NEEDED=ON) or must not (NEEDED=OFF).
#
#   -DSOURCE_DIR= -DBINARY_DIR= -DGENERATOR= -DMAKE_PROGRAM= -DCXX_COMPILER=
#   -DBUILD_TYPE= -DCXX_FLAGS= -DEXE_LINKER_FLAGS= -DSHARED_LINKER_FLAGS=
#   -DPREFIX_PATH=a|b -DQT6_DIR= -DMODE=package|subdirectory|fetchcontent
#   [-DQHOTRELOAD_SOURCE_DIR=] [-DPACKAGE_PREFIX=] [-DENABLED=ON|OFF]
#   -DNEEDED=ON|OFF -DREADELF= [-DEXTRA_ARGS=-Da=b|-Dc=d] [-DADD_SOURCE=ON]
#   [-DCONFIGS=Debug:ON|Release:OFF]
# Lists use | (a ; would be split by add_test).
#
# CONFIGS (a multi-config GENERATOR): each <config> is built and its host run
# and checked as with ENABLED=NEEDED=<ON|OFF>: the hot reload state the
# QHOTRELOAD_ENABLED default (PER_CONFIG) must give that configuration.
#
# ADD_SOURCE=ON (hot mode): the project is copied to <BINARY_DIR>-source first;
# at the end a source is added to the hot library there and the project is
# built again, which must compile the new source and nothing of the host: the
# host knows the library through a generated build-info header whose content
# does not depend on the library's sources (issue 12).

foreach(var SOURCE_DIR BINARY_DIR GENERATOR CXX_COMPILER MODE)
    if(NOT DEFINED ${var} OR "${${var}}" STREQUAL "")
        message(FATAL_ERROR "run_consumer.cmake: ${var} is not set")
    endif()
endforeach()

include("${CMAKE_CURRENT_LIST_DIR}/hotchecks.cmake")

function(run what)
    execute_process(COMMAND ${ARGN} RESULT_VARIABLE result OUTPUT_VARIABLE output ERROR_VARIABLE output)
    if(NOT result EQUAL 0)
        message(FATAL_ERROR "${what} failed (${result}):\n${output}")
    endif()
    set(output "${output}" PARENT_SCOPE)
endfunction()

file(REMOVE_RECURSE "${BINARY_DIR}")
if(ADD_SOURCE)
    file(REMOVE_RECURSE "${BINARY_DIR}-source")
    file(COPY "${SOURCE_DIR}/" DESTINATION "${BINARY_DIR}-source")
    set(SOURCE_DIR "${BINARY_DIR}-source")
endif()
string(REPLACE "|" ";" prefix_path "${PREFIX_PATH}")
set(args
    -S "${SOURCE_DIR}" -B "${BINARY_DIR}" -G "${GENERATOR}"
    "-DCMAKE_CXX_COMPILER=${CXX_COMPILER}"
    "-DCMAKE_BUILD_TYPE=${BUILD_TYPE}"
    "-DCMAKE_CXX_FLAGS=${CXX_FLAGS}"
    "-DCMAKE_EXE_LINKER_FLAGS=${EXE_LINKER_FLAGS}"
    "-DCMAKE_SHARED_LINKER_FLAGS=${SHARED_LINKER_FLAGS}"
    "-DCMAKE_PREFIX_PATH=${prefix_path}"
    # Only what this test names: no package registry, no ~/.cmake leftovers.
    -DCMAKE_FIND_USE_PACKAGE_REGISTRY=OFF
    "-DCONSUMER_QHOTRELOAD=${MODE}")
if(MAKE_PROGRAM)
    list(APPEND args "-DCMAKE_MAKE_PROGRAM=${MAKE_PROGRAM}")
endif()
if(QT6_DIR)
    list(APPEND args "-DQt6_DIR=${QT6_DIR}")
endif()
if(QHOTRELOAD_SOURCE_DIR)
    list(APPEND args "-DCONSUMER_QHOTRELOAD_SOURCE_DIR=${QHOTRELOAD_SOURCE_DIR}")
endif()
if(EXTRA_ARGS)
    string(REPLACE "|" ";" extra_args "${EXTRA_ARGS}")
    list(APPEND args ${extra_args})
endif()
if(DEFINED ENABLED AND NOT ENABLED STREQUAL "")
    list(APPEND args "-DQHOTRELOAD_ENABLED=${ENABLED}")
endif()

run("configure" "${CMAKE_COMMAND}" ${args})
string(REGEX MATCHALL "-- (QHotReload|QHOTRELOAD)[^\n]*" found "${output}")
string(REPLACE ";" "\n" found "${found}")
message(STATUS "configured ${BINARY_DIR} (${MODE}):\n${found}")

# The package found must be the one installed by this test run.
if(PACKAGE_PREFIX)
    file(STRINGS "${BINARY_DIR}/CMakeCache.txt" found REGEX "^QHotReload_DIR:")
    string(REGEX REPLACE "^[^=]*=" "" found "${found}")
    string(FIND "${found}/" "${PACKAGE_PREFIX}/" at)
    if(NOT at EQUAL 0)
        message(FATAL_ERROR "found QHotReload in '${found}', not under ${PACKAGE_PREFIX}")
    endif()
endif()

# Builds (one configuration of a multi-config build if config is set) and
# checks the host: ENABLED and NEEDED as described at the top.
function(build_and_check config ENABLED NEEDED)
    set(out_dir "${BINARY_DIR}")
    set(config_args "")
    if(config)
        set(out_dir "${BINARY_DIR}/${config}")
        set(config_args --config "${config}")
    endif()
    run("build ${config}" "${CMAKE_COMMAND}" --build "${BINARY_DIR}" ${config_args} --parallel 2)
    message(STATUS "built ${config}")

    set(host "${out_dir}/host${CMAKE_EXECUTABLE_SUFFIX}")
    # The probe says where it was found (and, had it not been, that there was
    # no trial load).
    execute_process(COMMAND "${CMAKE_COMMAND}" -E env "QT_LOGGING_RULES=qhotreload.probe.debug=true" "${host}"
        RESULT_VARIABLE result OUTPUT_VARIABLE output ERROR_VARIABLE output
        TIMEOUT 180)
    message("${output}")
    if(NOT result EQUAL 0)
        message(FATAL_ERROR "the host failed (${result})")
    endif()
    foreach(line "greeting() = hello consumer from version 1" "PASSED")
        string(FIND "${output}" "${line}" at)
        if(at EQUAL -1)
            message(FATAL_ERROR "the host did not print '${line}'")
        endif()
    endforeach()
    if(ENABLED STREQUAL "OFF")
        string(FIND "${output}" "hot reload off" at)
    else()
        string(FIND "${output}" "greeting() = hello consumer from version 2" at)
    endif()
    if(at EQUAL -1)
        message(FATAL_ERROR "the host's output is not that of hot reload ${ENABLED}")
    endif()
    # Hot: each version was trial-loaded by the probe that came with this
    # QHotReload (the installed one for a package, else the one built beside
    # libQHotReloadCore), found without help from the environment.
    if(NOT ENABLED STREQUAL "OFF")
        if(NOT output MATCHES "started the probe server ([^\n]*qhotreload-probe) pid")
            message(FATAL_ERROR "the host did not start the trial-load probe")
        endif()
        set(probe "${CMAKE_MATCH_1}")
        if(PACKAGE_PREFIX AND NOT probe MATCHES "^${PACKAGE_PREFIX}/")
            message(FATAL_ERROR "the probe ${probe} is not the one installed in ${PACKAGE_PREFIX}")
        endif()
        if(output MATCHES "no trial load for")
            message(FATAL_ERROR "a version was loaded without a trial")
        endif()
    endif()

    set(widgets_check "${out_dir}/widgets_check${CMAKE_EXECUTABLE_SUFFIX}")
    if(EXISTS "${widgets_check}")
        run("widgets_check" "${widgets_check}")
        if(NOT output MATCHES "QHotWidget QHotReloadIndicator QHotForm")
            message(FATAL_ERROR "widgets_check printed: ${output}")
        endif()
        message(STATUS "QHotReload::Widgets from the package: ${output}")
    endif()

    # The README's snippets: they run, and with hot reload off the indicator and
    # build-on-save lines leave no reference to QHotReload's indicator or builder.
    set(readme_app "${out_dir}/readme/readme_app${CMAKE_EXECUTABLE_SUFFIX}")
    if(config)
        set(readme_app "${BINARY_DIR}/readme/${config}/readme_app${CMAKE_EXECUTABLE_SUFFIX}")
    endif()
    if(EXISTS "${readme_app}")
        run("readme_app --check" "${readme_app}" --check)
        message(STATUS "README snippets (hot reload ${ENABLED}): ${output}")
        if(NOT output MATCHES "PASSED")
            message(FATAL_ERROR "readme_app --check printed: ${output}")
        endif()
        if(ENABLED STREQUAL "OFF")
            if(NOT NM)
                message(FATAL_ERROR "no nm to read the undefined symbols of ${readme_app}")
            endif()
            run("nm -u" "${NM}" -C -u "${readme_app}")
            if(output MATCHES "QHotReloadIndicator|QHotBuilder|QHotLibrary")
                string(REGEX MATCHALL "[^\n]*(QHotReloadIndicator|QHotBuilder|QHotLibrary)[^\n]*" used "${output}")
                message(FATAL_ERROR "with hot reload off readme_app still uses: ${used}")
            endif()
        endif()
    elseif(EXISTS "${BINARY_DIR}/readme")
        message(FATAL_ERROR "the README snippets were configured but readme_app was not built")
    endif()

    # Hot: the host needs libQHotReloadCore and not the hot library. Static: neither.
    if(READELF)
        run("${READELF} -d ${host}" "${READELF}" -d "${host}")
        string(REGEX MATCHALL "\\(NEEDED\\)[^\n]*" needed "${output}")
        message(STATUS "host needs: ${needed}")
        if(needed MATCHES "liblogic")
            message(FATAL_ERROR "the host links the hot library dynamically")
        endif()
        if(NEEDED AND NOT needed MATCHES "libQHotReloadCore\\.so")
            message(FATAL_ERROR "the hot host does not link libQHotReloadCore")
        elseif(NOT NEEDED AND needed MATCHES "QHotReload")
            message(FATAL_ERROR "the static host links the QHotReload runtime")
        endif()
        # The hot library binds to itself (qhot_add_library links it with -Bsymbolic).
        if(NEEDED)
            if(NOT EXISTS "${out_dir}/liblogic.so")
                message(FATAL_ERROR "no hot library at ${out_dir}/liblogic.so")
            endif()
            qhot_check_binds_locally("${READELF}" "${out_dir}/liblogic.so")
        endif()
        # The fast loop in a single-configuration hot build: -g0 whatever the
        # build type, and the first fast linker found (mold where installed).
        # The library's own code has no debug information; what QHotReload::State
        # (a static library built with the project's flags) brings may have some.
        if(NEEDED AND NOT config)
            qhot_check_fast_loop("${READELF}" "${out_dir}/liblogic.so" logic.cpp)
        endif()
        # The fast loop's precompiled Qt headers, shared: logic and logic_peer
        # (same Qt modules, flags and definitions) reuse one PCH, logic_v2
        # (another LOGIC_VERSION) has one of its own. Three would mean one per
        # library; the consumer builds with -Werror and CMake's -Winvalid-pch,
        # so a PCH that did not fit a library would have failed the build.
        if(NEEDED)
            file(GLOB_RECURSE pchs RELATIVE "${BINARY_DIR}" "${BINARY_DIR}/*.gch")
            # Not QHotReload's own build, as a subproject or fetched, nor the
            # README snippets' hot library (readme/, a PCH of its own).
            list(FILTER pchs EXCLUDE REGEX "^(qhotreload|_deps|readme)/")
            if(config)
                list(FILTER pchs INCLUDE REGEX "/${config}/")
            endif()
            list(LENGTH pchs count)
            set(per_library ${pchs})
            list(FILTER per_library INCLUDE REGEX "/logic(_peer)?\\.dir/")
            if(NOT count EQUAL 2 OR per_library)
                string(REPLACE ";" "\n" pchs "${pchs}")
                message(FATAL_ERROR "expected 2 precompiled headers for logic, logic_peer and logic_v2 "
                    "(one shared by the first two), found ${count}:\n${pchs}")
            endif()
            message(STATUS "precompiled headers: ${count} for three hot libraries")
        endif()
        # Per configuration, the shared library is built in every one.
        if(NOT NEEDED AND NOT config)
            file(GLOB shared "${BINARY_DIR}/*.so")
            if(shared)
                message(FATAL_ERROR "static mode built shared libraries: ${shared}")
            endif()
        endif()
    else()
        message(WARNING "no readelf: the host's NEEDED entries are not checked")
    endif()
endfunction()

# CONFIGS=<config>:<ON|OFF>|...: a multi-config build, each configuration built
# and checked with hot reload expected ON or OFF in it.
if(CONFIGS)
    string(REPLACE "|" ";" configs "${CONFIGS}")
    foreach(entry IN LISTS configs)
        string(REPLACE ":" ";" entry "${entry}")
        list(GET entry 0 config)
        list(GET entry 1 hot)
        build_and_check("${config}" "${hot}" "${hot}")
    endforeach()
else()
    build_and_check("" "${ENABLED}" "${NEEDED}")
endif()

if(ADD_SOURCE)
    file(WRITE "${SOURCE_DIR}/added.cpp" "// Added by run_consumer.cmake after the first build.\nint addedFunction() { return 42; }\n")
    file(APPEND "${SOURCE_DIR}/CMakeLists.txt" "\ntarget_sources(logic PRIVATE added.cpp)\n")
    # cmake --build runs CMake again first (CMakeLists.txt changed).
    run("build after adding a source" "${CMAKE_COMMAND}" --build "${BINARY_DIR}" --parallel 2)
    message(STATUS "build after adding added.cpp to logic:\n${output}")
    # Both generators print "Building CXX object <object>" per compile.
    if(NOT output MATCHES "Building CXX object [^\n]*logic\\.dir/added\\.cpp")
        message(FATAL_ERROR "the new source of the hot library was not compiled")
    endif()
    if(output MATCHES "Building CXX object [^\n]*host\\.dir/")
        message(FATAL_ERROR "adding a source to the hot library recompiled the host")
    endif()
    if(output MATCHES "Linking CXX executable host")
        message(FATAL_ERROR "adding a source to the hot library relinked the host")
    endif()
    # Build on save learns of it at run time, from the build-info files.
    file(GLOB_RECURSE sources_files "${BINARY_DIR}/qhotreload/host/*qhot_library_logic.sources")
    if(NOT sources_files)
        message(FATAL_ERROR "no qhot_library_logic.sources under ${BINARY_DIR}/qhotreload/host")
    endif()
    file(READ "${sources_files}" listed)
    if(NOT listed MATCHES "added\\.cpp")
        message(FATAL_ERROR "${sources_files} does not list added.cpp:\n${listed}")
    endif()
endif()
