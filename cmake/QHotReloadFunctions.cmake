# User-facing CMake functions of QHotReload, installed beside the package config
# and included by it (and by the top-level build when QHotReload is a subproject).
#
#   qhot_add_library(<target> [FAST_LOOP ON|OFF] [SOURCES] <source>...)
#       Adds a library meant to be hot reloaded. With QHOTRELOAD_ENABLED (the
#       default except for Release builds) it is a shared library built with
#       -fno-gnu-unique on GCC (otherwise inline function-local statics become
#       STB_GNU_UNIQUE symbols and dlclose() never unloads the library),
#       hidden visibility, and on ELF platforms linked with -Bsymbolic (a new
#       version binds to itself, never to another loaded copy). With
#       QHOTRELOAD_ENABLED off it is a plain static library and
#       QHOTRELOAD_STATIC is defined for it and its users, which
#       turns QHOT_LIBRARY into nothing and the QHOT_MODULE callables into the
#       plain functions. QHOTRELOAD_ENABLED=PER_CONFIG (the default with a
#       multi-config generator) applies "hot except in Release" per
#       configuration: the target is the shared library, compiled with
#       QHOTRELOAD_STATIC in Release, whose objects there also make the static
#       library <target>_qhot_static that qhot_link_library() links instead
#       (the unused shared library is still built in Release).
#
#       Hot, it is also set up for a quick edit loop (see "Fast loop" below)
#       unless FAST_LOOP OFF is given or QHOTRELOAD_FAST_LOOP is OFF.
#
#   qhot_link_library(<host> <library>)
#       Makes <host> use the hot <library>. Hot: builds the library whenever the
#       host is built (without linking it), links QHotReload::Core, and gives
#       the host the library's absolute path as the string macro
#       QHOT_LIBRARY_FILE_<library> (the name made a C identifier), for
#       QHotLibrary and QHOT_MODULE, and what build on save needs
#       (QHOT_BUILD_INFO(<library>) in qhotbuilder.h: the target, build tree,
#       configuration, sources and cmake command). Static: links the library
#       directly; QHOT_LIBRARY_FILE_<library> is the bare name, under which
#       a host that links QHotReload::Qml registers the library's functions
#       for QML's HotLibrary (a generated source that is empty otherwise).
#
#       The macros are not -D flags: they are in a build-info header generated
#       per host and library (qhot_library_<library>.h under
#       <host's binary dir>/qhotreload/<host>/[<config>/], written only when its
#       content changes) that every source of the host includes first, as if
#       with -D (-include with GCC and Clang, /FI with MSVC; other compilers get
#       -D flags as before). The library's sources are not in it: QHotBuilder
#       reads them at run time from qhot_library_<library>.sources beside it.
#       So the host's compile lines and headers do not change when the
#       library's sources do, and adding a source to the library rebuilds the
#       library, not the host.

#   Fast loop. What a user waits for after a save is the build of the hot
#   library, not the swap; a hot library is built for that wait by default
#   (in the hot configurations only: a static build keeps the user's flags):
#     - a precompiled header of the Qt headers such a library uses, chosen by
#       the Qt modules it links (QtCore, + QtGui, + QtWidgets, + QtQml/Quick),
#       shared (REUSE_FROM an internal object library qhot_fastloop_pch_<n>)
#       by the hot libraries of the build tree that link the same libraries
#       with the same compile options, definitions and features (decided at
#       the end of the directory that made the library; one with a PCH of
#       its own keeps it); QHOTRELOAD_FAST_LOOP_PCH OFF turns the PCH off,
#       QHOTRELOAD_FAST_LOOP_PCH_SHARED OFF gives each library its own;
#       the target property QHOT_FAST_LOOP_PCH names the target whose PCH a
#       library uses;
#     - QHOTRELOAD_FAST_LOOP_OPTIMIZE (default -O0) and
#       QHOTRELOAD_FAST_LOOP_DEBUG (default -g0) after the configuration's
#       flags; empty keeps the configuration's;
#     - the fastest linker found that links (mold, lld, gold, in that order;
#       -fuse-ld=), or QHOTRELOAD_FAST_LOOP_LINKER = mold, lld, gold or
#       default (the compiler's own);
#     - no unity build (UNITY_BUILD OFF: one edited source, one compile).
#   GCC and Clang only. A target's own target_compile_options() come after
#   these and win (e.g. -O1 for one library). The target property
#   QHOT_FAST_LOOP says whether a target has it.

include_guard(GLOBAL)

include(CheckLinkerFlag)

option(QHOTRELOAD_FAST_LOOP
    "Build hot libraries for a quick edit loop (precompiled Qt headers, -O0 -g0, the fastest linker)" ON)
option(QHOTRELOAD_FAST_LOOP_PCH "Fast loop: a precompiled header of the Qt headers for hot libraries" ON)
option(QHOTRELOAD_FAST_LOOP_PCH_SHARED
    "Fast loop: hot libraries with the same Qt modules and flags share one precompiled header (OFF: one each)" ON)
set(QHOTRELOAD_FAST_LOOP_OPTIMIZE "-O0" CACHE STRING
    "Fast loop: the optimisation flag of hot libraries (empty: the configuration's)")
set(QHOTRELOAD_FAST_LOOP_DEBUG "-g0" CACHE STRING
    "Fast loop: the debug-information flag of hot libraries (empty: the configuration's)")
set(QHOTRELOAD_FAST_LOOP_LINKER "auto" CACHE STRING
    "Fast loop: the linker of hot libraries: auto (mold, lld, gold, default), mold, lld, gold or default")
set_property(CACHE QHOTRELOAD_FAST_LOOP_LINKER PROPERTY STRINGS auto mold lld gold default)

# The rule: hot except in Release. A single-config generator applies it to
# CMAKE_BUILD_TYPE once; a multi-config one (Ninja Multi-Config, Visual
# Studio, Xcode) cannot, so there the default is PER_CONFIG and the rule is
# applied per configuration by generator expressions. ON or OFF set by the
# user holds for every configuration.#
#   qhot_qml_sources(<target>)
#       For a QML module made by qt_add_qml_module(<target> ...), whose files
#       the application loads from qrc:/qt/qml/...: writes <target>.qhotqml in
#       the target's binary directory (one line per .qml/.js file: its qrc:
#       URL, a tab, its source file) and compiles it into <target> as the
#       resource :/qhotreload/qmlsources/<target>.qhotqml, where Live QML
#       (QHotQmlReloader) reads it to watch the source files and serve a saved
#       one instead of the resource. The file is written at the end of the
#       directory that calls it, so files added later with
#       qt_target_qml_sources() count. With QHOTRELOAD_ENABLED off it does
#       nothing.

if(NOT DEFINED QHOTRELOAD_ENABLED)
    get_property(_qhot_multi_config GLOBAL PROPERTY GENERATOR_IS_MULTI_CONFIG)
    if(_qhot_multi_config)
        set(QHOTRELOAD_ENABLED PER_CONFIG CACHE STRING
            "Hot reload: ON, OFF (hot libraries are linked statically, calls are direct) or PER_CONFIG (OFF in Release only)")
        set_property(CACHE QHOTRELOAD_ENABLED PROPERTY STRINGS ON OFF PER_CONFIG)
    else()
        if(CMAKE_BUILD_TYPE STREQUAL "Release")
            set(_qhot_enabled_default OFF)
        else()
            set(_qhot_enabled_default ON)
        endif()
        option(QHOTRELOAD_ENABLED "Hot reload (OFF: hot libraries are linked statically, calls are direct)"
            ${_qhot_enabled_default})
        unset(_qhot_enabled_default)
    endif()
    unset(_qhot_multi_config)
endif()

function(qhot_add_library target)
    if(NOT target)
        message(FATAL_ERROR "qhot_add_library: the first argument must be the target name")
    endif()
    if(TARGET ${target})
        message(FATAL_ERROR "qhot_add_library: target '${target}' already exists")
    endif()
    cmake_parse_arguments(PARSE_ARGV 1 arg "" "FAST_LOOP" "SOURCES")
    set(sources ${arg_SOURCES} ${arg_UNPARSED_ARGUMENTS})
    if(NOT sources)
        message(FATAL_ERROR "qhot_add_library(${target}): no sources given")
    endif()
    if(NOT DEFINED arg_FAST_LOOP)
        set(arg_FAST_LOOP ${QHOTRELOAD_FAST_LOOP})
    elseif(NOT arg_FAST_LOOP MATCHES "^([Oo][Nn]|[Oo][Ff][Ff]|TRUE|FALSE|true|false|YES|NO|1|0)$")
        message(FATAL_ERROR "qhot_add_library(${target}): FAST_LOOP takes ON or OFF, not '${arg_FAST_LOOP}'")
    endif()

    # With hot reload off QHOT_LIBRARY names the manifest after the target
    # (qhotreload_linked_manifest_<id>), for QML's HotLibrary to find.
    string(MAKE_C_IDENTIFIER "${target}" id)
    if(NOT QHOTRELOAD_ENABLED)
        add_library(${target} STATIC ${sources})
        set_target_properties(${target} PROPERTIES QHOT_HOT_LIBRARY ON)
        target_compile_definitions(${target} PUBLIC QHOTRELOAD_STATIC)
        target_compile_definitions(${target} PRIVATE QHOTRELOAD_LIBRARY_ID=${id})
        target_link_libraries(${target} PUBLIC QHotReload::Headers)
        set_target_properties(${target} PROPERTIES QHOT_FAST_LOOP OFF)
        return()
    endif()

    add_library(${target} SHARED ${sources})
    set_target_properties(${target} PROPERTIES
        CXX_VISIBILITY_PRESET hidden
        VISIBILITY_INLINES_HIDDEN ON
        QHOT_HOT_LIBRARY ON)
    target_link_libraries(${target} PRIVATE QHotReload::Headers)
    _qhot_bind_locally(${target})
    if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
        # Without it g++ marks inline statics STB_GNU_UNIQUE and the library can
        # never be unloaded: the next version would bind to the old one's data.
        target_compile_options(${target} PRIVATE -fno-gnu-unique)
    endif()
    if(CMAKE_CXX_COMPILER_ID MATCHES "GNU|Clang" AND CMAKE_SYSTEM_PROCESSOR MATCHES "^(x86_64|AMD64|amd64)$")
        # Functions start on 16 bytes even at -O0: a retired version's entry
        # point can then be redirected with one aligned 8-byte store.
        target_compile_options(${target} PRIVATE -falign-functions=16)
    endif()
    if(arg_FAST_LOOP)
        _qhot_fast_loop(${target})
    else()
        set_target_properties(${target} PROPERTIES QHOT_FAST_LOOP OFF)
    endif()

    if(QHOTRELOAD_ENABLED STREQUAL "PER_CONFIG")
        # A target has one type in all configurations: <target> stays the
        # shared library, and its objects, compiled with QHOTRELOAD_STATIC in
        # the static configurations, also make the static library
        # <target>_qhot_static that qhot_link_library() links there, with
        # <target>'s own link libraries.
        target_compile_definitions(${target} PRIVATE "$<$<CONFIG:Release>:QHOTRELOAD_STATIC>"
            "$<$<CONFIG:Release>:QHOTRELOAD_LIBRARY_ID=${id}>")
        add_library(${target}_qhot_static STATIC "$<TARGET_OBJECTS:${target}>")
        add_dependencies(${target}_qhot_static ${target})
        target_compile_definitions(${target}_qhot_static INTERFACE QHOTRELOAD_STATIC)
        target_link_libraries(${target}_qhot_static PUBLIC QHotReload::Headers
            "$<TARGET_PROPERTY:${target},LINK_LIBRARIES>")
    endif()
endfunction()

function(qhot_link_library host library)
    if(NOT TARGET ${host})
        message(FATAL_ERROR "qhot_link_library: '${host}' is not a target")
    endif()
    if(NOT TARGET ${library})
        message(FATAL_ERROR "qhot_link_library(${host}): '${library}' is not a target; create it with qhot_add_library()")
    endif()
    get_target_property(is_hot ${library} QHOT_HOT_LIBRARY)
    if(NOT is_hot)
        message(FATAL_ERROR "qhot_link_library(${host}): '${library}' was not created with qhot_add_library()")
    endif()
    if(ARGN)
        message(FATAL_ERROR "qhot_link_library(${host} ${library}): unexpected arguments: ${ARGN}")
    endif()

    string(MAKE_C_IDENTIFIER "${library}" id)
    if(NOT QHOTRELOAD_ENABLED)
        target_link_libraries(${host} PRIVATE ${library})
        _qhot_build_info(${host} ${id} "#define QHOT_LIBRARY_FILE_${id} \"${library}\"\n")
        _qhot_linked_library(${host} ${library})
        return()
    endif()

    add_dependencies(${host} ${library})
    set(hot 1)
    if(QHOTRELOAD_ENABLED STREQUAL "PER_CONFIG")
        # 1 in the configurations that are hot: all but Release.
        set(hot "$<NOT:$<CONFIG:Release>>")
        target_link_libraries(${host} PRIVATE "$<$<NOT:${hot}>:${library}_qhot_static>")
        target_link_libraries(${host} PRIVATE "$<${hot}:QHotReload::Core>")
        _qhot_linked_library(${host} ${library})
    else()
        target_link_libraries(${host} PRIVATE QHotReload::Core)
    endif()
    # `cmake --build` knows no alias names.
    get_target_property(build_target ${library} ALIASED_TARGET)
    if(NOT build_target)
        set(build_target ${library})
    endif()
    # What QHOT_BUILD_INFO / QHOT_BUILD_ON_SAVE (qhotbuilder.h) read. The
    # sources go to a file of their own, read at run time ("@<file>" in
    # QHOT_LIBRARY_SOURCES_*), so that a new source changes nothing the host
    # compiles. They are left as the target lists them: QHotBuilder makes
    # relative ones absolute against the source dir and drops generated ones
    # (in the build tree), which a build rewrites and which would otherwise
    # start a build of their own.
    _qhot_build_info_dir(${host} dir)
    set(sources_file "${dir}/qhot_library_${id}.sources")
    file(GENERATE OUTPUT "${sources_file}"
        CONTENT "$<JOIN:$<TARGET_PROPERTY:${library},SOURCES>,\n>\n")
    _qhot_build_info(${host} ${id}
        "#define QHOT_LIBRARY_FILE_${id} \"$<IF:${hot},$<TARGET_FILE:${library}>,${library}>\"
#define QHOT_LIBRARY_TARGET_${id} \"${build_target}\"
#define QHOT_LIBRARY_BUILD_DIR_${id} \"${CMAKE_BINARY_DIR}\"
#define QHOT_LIBRARY_BUILD_CONFIG_${id} \"$<CONFIG>\"
#define QHOT_LIBRARY_SOURCE_DIR_${id} \"$<TARGET_PROPERTY:${library},SOURCE_DIR>\"
#define QHOT_LIBRARY_SOURCES_${id} \"@${sources_file}\"
#ifndef QHOT_CMAKE_COMMAND
#define QHOT_CMAKE_COMMAND \"${CMAKE_COMMAND}\"
#endif
")
endfunction()

# _qhot_linked_library(<host> <library>)
# With hot reload off: adds to <host> a generated source that, if <host>
# links QHotReload::Qml (which gives its users QHOTRELOAD_QML), registers the
# linked-in <library>'s manifest under the name QHOT_LIBRARY_FILE_<library>
# has, so that QML's HotLibrary { fileName: "<library>" } calls its functions.
# For any other host it compiles to nothing and refers to nothing.
function(_qhot_linked_library host library)
    get_target_property(real ${library} ALIASED_TARGET)
    if(NOT real)
        set(real ${library})
    endif()
    string(MAKE_C_IDENTIFIER "${library}" id)
    string(MAKE_C_IDENTIFIER "${real}" symbol_id)
    # The same for every configuration: it tests QHOTRELOAD_STATIC itself.
    get_target_property(binary_dir ${host} BINARY_DIR)
    set(source "${binary_dir}/qhotreload/${host}/qhot_library_${id}_linked.cpp")
    file(GENERATE OUTPUT "${source}" CONTENT
"// Generated by qhot_link_library(${host} ${library}); do not edit.
// With hot reload off, a QML application reaches ${library}'s functions by
// name: HotLibrary { fileName: \"${library}\" } calls them where they are
// linked in. Nothing here for an application without QHotReload::Qml.
#if defined(QHOTRELOAD_STATIC) && defined(QHOTRELOAD_QML)
#include <QHotReload/qhotlibrary.h>

extern \"C\" const QHotReload::Abi::Manifest *qhotreload_linked_manifest_${symbol_id}();

namespace {
[[maybe_unused]] const bool qhotLinked_${id} =
        QHotReload::Detail::registerLinkedLibrary(\"${library}\", &qhotreload_linked_manifest_${symbol_id});
}
#endif
")
    target_sources(${host} PRIVATE "${source}")
    set_source_files_properties("${source}" TARGET_DIRECTORY ${host} PROPERTIES
        GENERATED ON SKIP_AUTOGEN ON)
endfunction()

# _qhot_bind_locally(<target>)
# Links the shared library <target> so that what it refers to of its own binds
# to itself when it is linked (-Bsymbolic), never at load time to another
# loaded object that exports the same name: a copy of the same library that
# the application linked or loaded globally would otherwise run instead of
# the version just loaded. -Bsymbolic rather than -Bsymbolic-functions: data
# is bound locally too (an exported global of the new version must be its
# own, not the old copy's); its hazard, an executable that links the library
# and copies its data by a copy relocation, cannot arise for a library that
# is loaded only by QHotLibrary. ELF only: a Mach-O image binds to itself by
# its two-level namespace, a DLL always does.
function(_qhot_bind_locally target)
    if(NOT CMAKE_EXECUTABLE_FORMAT STREQUAL "ELF")
        return()
    endif()
    check_linker_flag(CXX "LINKER:-Bsymbolic" QHOTRELOAD_LINKER_HAS_BSYMBOLIC)
    if(QHOTRELOAD_LINKER_HAS_BSYMBOLIC)
        target_link_options(${target} PRIVATE "LINKER:-Bsymbolic")
    endif()
endfunction()

# _qhot_fast_loop(<target>)
# Sets the hot library <target> up for a quick edit loop (see "Fast loop" at
# the top). In the hot configurations only: with PER_CONFIG, Release keeps the
# configuration's flags and the default linker.
function(_qhot_fast_loop target)
    if(NOT CMAKE_CXX_COMPILER_ID MATCHES "GNU|Clang" OR CMAKE_CXX_SIMULATE_ID STREQUAL "MSVC")
        set_target_properties(${target} PROPERTIES QHOT_FAST_LOOP OFF)
        return()
    endif()
    set(hot 1)
    if(QHOTRELOAD_ENABLED STREQUAL "PER_CONFIG")
        set(hot "$<NOT:$<CONFIG:Release>>")
    endif()
    set_target_properties(${target} PROPERTIES QHOT_FAST_LOOP ON UNITY_BUILD OFF)
    foreach(flag IN ITEMS "${QHOTRELOAD_FAST_LOOP_OPTIMIZE}" "${QHOTRELOAD_FAST_LOOP_DEBUG}")
        if(NOT flag STREQUAL "")
            target_compile_options(${target} PRIVATE "$<${hot}:${flag}>")
        endif()
    endforeach()
    _qhot_fast_linker(linker)
    if(linker)
        target_link_options(${target} PRIVATE "$<${hot}:-fuse-ld=${linker}>")
    endif()
    if(QHOTRELOAD_FAST_LOOP_PCH)
        if(QHOTRELOAD_FAST_LOOP_PCH_SHARED)
            # Which PCH it shares can only be told once its flags and link
            # libraries are all set: at the end of this directory.
            set_property(DIRECTORY APPEND PROPERTY _QHOT_FAST_LOOP_PCH_PENDING ${target})
            get_property(deferred DIRECTORY PROPERTY _QHOT_FAST_LOOP_PCH_DEFERRED)
            if(NOT deferred)
                set_property(DIRECTORY PROPERTY _QHOT_FAST_LOOP_PCH_DEFERRED ON)
                cmake_language(DEFER CALL _qhot_fast_loop_share_pch)
            endif()
        else()
            _qhot_fast_loop_own_pch(${target})
        endif()
    endif()
endfunction()

# _qhot_fast_loop_pch_genex(<out-var>)
# The fast loop's PCH header of a target, for target_precompile_headers(): in
# the hot configurations, for C++ only.
function(_qhot_fast_loop_pch_genex out)
    set(hot 1)
    if(QHOTRELOAD_ENABLED STREQUAL "PER_CONFIG")
        set(hot "$<NOT:$<CONFIG:Release>>")
    endif()
    _qhot_fast_loop_headers(header)
    set(${out} "$<$<AND:${hot},$<COMPILE_LANGUAGE:CXX>>:${header}>" PARENT_SCOPE)
endfunction()

# _qhot_fast_loop_own_pch(<target>)
# <target> precompiles the fast loop's header for itself.
function(_qhot_fast_loop_own_pch target)
    _qhot_fast_loop_pch_genex(header)
    target_precompile_headers(${target} PRIVATE "${header}")
    set_target_properties(${target} PROPERTIES QHOT_FAST_LOOP_PCH ${target})
endfunction()

# _qhot_fast_loop_share_pch()
# Deferred to the end of a directory that made hot libraries with the fast
# loop's PCH: each of them reuses the PCH of an owner, an object library made
# on first use per distinct set of what makes a PCH (its link libraries, so
# the Qt modules, flags and definitions; see below), with the same
# properties as the first library that needed it and one empty source. A
# library that has a PCH of its own (its own headers, or REUSE_FROM) keeps it
# and gets the fast loop's headers added as before.
function(_qhot_fast_loop_share_pch)
    # What of a target goes into the command line that compiles its PCH,
    # beside the directory's CMAKE_CXX_FLAGS[_<CONFIG>]: two hot libraries
    # equal in all of it can use one PCH. GCC refuses a PCH built with another
    # -O, -g, -fPIC or -std, or with a macro defined otherwise or not at all
    # where it is used (even one the headers never test); under -Werror that
    # is an error. Include directories do not count: they only say where the
    # same Qt headers are found.
    set(properties LINK_LIBRARIES COMPILE_OPTIONS COMPILE_DEFINITIONS COMPILE_FEATURES
        COMPILE_FLAGS CXX_STANDARD CXX_STANDARD_REQUIRED CXX_EXTENSIONS
        POSITION_INDEPENDENT_CODE CXX_VISIBILITY_PRESET VISIBILITY_INLINES_HIDDEN
        INTERPROCEDURAL_OPTIMIZATION)
    get_property(targets DIRECTORY PROPERTY _QHOT_FAST_LOOP_PCH_PENDING)
    set_property(DIRECTORY PROPERTY _QHOT_FAST_LOOP_PCH_PENDING "")
    get_property(multi_config GLOBAL PROPERTY GENERATOR_IS_MULTI_CONFIG)
    if(multi_config)
        set(configs ${CMAKE_CONFIGURATION_TYPES})
    else()
        set(configs ${CMAKE_BUILD_TYPE})
    endif()
    set(directory_flags "CMAKE_CXX_FLAGS=${CMAKE_CXX_FLAGS}")
    foreach(config IN LISTS configs)
        string(TOUPPER "${config}" config)
        string(APPEND directory_flags "\nCMAKE_CXX_FLAGS_${config}=${CMAKE_CXX_FLAGS_${config}}")
    endforeach()
    foreach(target IN LISTS targets)
        get_target_property(own ${target} PRECOMPILE_HEADERS)
        get_target_property(reused ${target} PRECOMPILE_HEADERS_REUSE_FROM)
        if(reused)
            continue()
        elseif(own)
            _qhot_fast_loop_own_pch(${target})
            continue()
        endif()
        set(signature "${directory_flags}")
        foreach(property IN LISTS properties)
            get_target_property(value ${target} ${property})
            if(property STREQUAL "COMPILE_DEFINITIONS")
                # What qhot_add_library defines for Release alone under
                # PER_CONFIG names the target; Release has no fast loop.
                list(FILTER value EXCLUDE REGEX "^\\$<\\$<CONFIG:Release>:QHOTRELOAD_")
            endif()
            string(APPEND signature "\n${property}=${value}")
            set(value_${property} "${value}")
        endforeach()
        string(MD5 key "${signature}")
        get_property(owner GLOBAL PROPERTY _QHOT_FAST_LOOP_PCH_OWNER_${key})
        if(NOT owner)
            get_property(count GLOBAL PROPERTY _QHOT_FAST_LOOP_PCH_COUNT)
            if(NOT count)
                set(count 0)
            endif()
            math(EXPR count "${count} + 1")
            set_property(GLOBAL PROPERTY _QHOT_FAST_LOOP_PCH_COUNT ${count})
            set(owner qhot_fastloop_pch_${count})
            set(source "${CMAKE_CURRENT_BINARY_DIR}/qhotreload/${owner}.cpp")
            file(CONFIGURE OUTPUT "${source}" CONTENT
                "// Generated by QHotReload's qhot_add_library (fast loop): compiles nothing; its target\n// precompiles the Qt headers for the hot libraries that reuse its PCH.\n")
            add_library(${owner} OBJECT "${source}")
            # The properties of the library, not this directory's defaults; a
            # shared library's code is position-independent by default.
            set_target_properties(${owner} PROPERTIES
                EXCLUDE_FROM_ALL ON AUTOMOC OFF AUTOUIC OFF AUTORCC OFF UNITY_BUILD OFF
                POSITION_INDEPENDENT_CODE ON)
            foreach(property IN LISTS properties)
                # OFF counts (CXX_EXTENSIONS OFF is -std=c++17, not gnu++17).
                if(value_${property} MATCHES "-NOTFOUND$")
                    set_property(TARGET ${owner} PROPERTY ${property})
                else()
                    set_property(TARGET ${owner} PROPERTY ${property} "${value_${property}}")
                endif()
            endforeach()
            get_target_property(pic ${target} POSITION_INDEPENDENT_CODE)
            if(pic STREQUAL "pic-NOTFOUND")
                set_target_properties(${owner} PROPERTIES POSITION_INDEPENDENT_CODE ON)
            endif()
            get_target_property(includes ${target} INCLUDE_DIRECTORIES)
            if(includes)
                set_target_properties(${owner} PROPERTIES INCLUDE_DIRECTORIES "${includes}")
            endif()
            if(QHOTRELOAD_ENABLED STREQUAL "PER_CONFIG")
                # REUSE_FROM names one target for every configuration, and a
                # library cannot reuse a PCH its owner lacks: in Release (no
                # fast loop) the owner precompiles an empty header.
                _qhot_fast_loop_headers(header)
                set(empty "${CMAKE_BINARY_DIR}/qhotreload/fastloop/qhot_fastloop_none.h")
                file(CONFIGURE OUTPUT "${empty}" CONTENT
                    "// Generated by QHotReload's qhot_add_library: the fast loop's PCH in Release, empty.\n#pragma once\n")
                set(header "$<$<COMPILE_LANGUAGE:CXX>:$<IF:$<CONFIG:Release>,${empty},${header}>>")
            else()
                _qhot_fast_loop_pch_genex(header)
            endif()
            target_precompile_headers(${owner} PRIVATE "${header}")
            set_property(GLOBAL PROPERTY _QHOT_FAST_LOOP_PCH_OWNER_${key} ${owner})
        endif()
        target_precompile_headers(${target} REUSE_FROM ${owner})
        set_target_properties(${target} PROPERTIES QHOT_FAST_LOOP_PCH ${owner})
    endforeach()
endfunction()

# _qhot_fast_linker(<out-var>)
# The linker the fast loop links with: the first of mold, lld and gold that
# links a program with this compiler (checked once per build tree), or the one
# QHOTRELOAD_FAST_LOOP_LINKER names; empty for the compiler's own.
function(_qhot_fast_linker out)
    set(wanted "${QHOTRELOAD_FAST_LOOP_LINKER}")
    if(wanted STREQUAL "default")
        set(${out} "" PARENT_SCOPE)
        return()
    elseif(wanted STREQUAL "auto" OR wanted STREQUAL "")
        set(candidates mold lld gold)
    elseif(wanted MATCHES "^(mold|lld|gold)$")
        set(candidates ${wanted})
    else()
        message(FATAL_ERROR "QHOTRELOAD_FAST_LOOP_LINKER: '${wanted}' is none of auto, mold, lld, gold, default")
    endif()
    foreach(linker IN LISTS candidates)
        check_linker_flag(CXX "-fuse-ld=${linker}" QHOTRELOAD_LINKER_HAS_${linker})
        if(QHOTRELOAD_LINKER_HAS_${linker})
            set(${out} ${linker} PARENT_SCOPE)
            return()
        endif()
    endforeach()
    if(NOT wanted STREQUAL "auto" AND NOT wanted STREQUAL "")
        message(WARNING "QHOTRELOAD_FAST_LOOP_LINKER=${wanted}: -fuse-ld=${wanted} does not link here; "
            "hot libraries are linked with the compiler's default linker")
    endif()
    set(${out} "" PARENT_SCOPE)
endfunction()

# _qhot_fast_loop_headers(<out-var>)
# The header to precompile for a hot library, as a generator expression of the
# target it is used in: the Qt headers such a library commonly includes, of the
# Qt modules that target links (Qt6::X or Qt::X), each level including the one
# below. Written under the build tree, only when its content changes (so a
# new configure rebuilds no precompiled header).
function(_qhot_fast_loop_headers out)
    set(dir "${CMAKE_BINARY_DIR}/qhotreload/fastloop")
    # <level> "<levels it includes>" "<headers>"
    set(levels
        core "" "QtCore/QObject QtCore/QString QtCore/QStringList QtCore/QList QtCore/QHash QtCore/QMap QtCore/QVariant QtCore/QByteArray QtCore/QDebug QtCore/QPointer QtCore/QTimer QtCore/QCoreApplication QtCore/QMetaType QHotReload/qhotmanifest.h"
        gui "core" "QtGui/QColor QtGui/QFont QtGui/QFontMetrics QtGui/QPainter QtGui/QPainterPath QtGui/QPen QtGui/QBrush QtGui/QImage QtGui/QPixmap QtGui/QMouseEvent QtGui/QKeyEvent"
        widgets "gui" "QtWidgets/QWidget QtWidgets/QApplication QtWidgets/QLayout QtWidgets/QBoxLayout QtWidgets/QFormLayout QtWidgets/QGridLayout QtWidgets/QLabel QtWidgets/QPushButton QtWidgets/QToolButton QtWidgets/QCheckBox QtWidgets/QComboBox QtWidgets/QLineEdit QtWidgets/QSlider QtWidgets/QSpinBox QtWidgets/QButtonGroup"
        qml "core" "QtQml/QQmlEngine QtQml/QJSValue"
        quick "qml gui" "QtQuick/QQuickItem")
    while(levels)
        list(POP_FRONT levels level below headers)
        set(content "// Generated by QHotReload's qhot_add_library (fast loop): precompiled into hot libraries.\n#pragma once\n")
        if(below STREQUAL "")
            string(APPEND content "#include <algorithm>\n#include <functional>\n#include <memory>\n#include <string>\n#include <vector>\n")
        endif()
        string(REPLACE " " ";" below "${below}")
        foreach(level_below IN LISTS below)
            string(APPEND content "#include \"qhot_fastloop_${level_below}.h\"\n")
        endforeach()
        string(REPLACE " " ";" headers "${headers}")
        foreach(header IN LISTS headers)
            string(APPEND content "#include <${header}>\n")
        endforeach()
        file(CONFIGURE OUTPUT "${dir}/qhot_fastloop_${level}.h" CONTENT "${content}" @ONLY)
    endwhile()
    set(libs "$<TARGET_PROPERTY:LINK_LIBRARIES>")
    set(header "${dir}/qhot_fastloop_core.h")
    foreach(pair IN ITEMS "Gui;gui" "Widgets;widgets" "Qml;qml" "Quick;quick")
        list(GET pair 0 module)
        list(GET pair 1 level)
        set(linked "$<OR:$<IN_LIST:Qt6::${module},${libs}>,$<IN_LIST:Qt::${module},${libs}>>")
        set(header "$<IF:${linked},${dir}/qhot_fastloop_${level}.h,${header}>")
    endforeach()
    set(${out} "${header}" PARENT_SCOPE)
endfunction()

# _qhot_build_info_dir(<host> <out-var>)
# Where <host>'s build-info files go: per configuration with a multi-config
# generator (each configuration has its own library file).
function(_qhot_build_info_dir host out)
    get_target_property(binary_dir ${host} BINARY_DIR)
    set(dir "${binary_dir}/qhotreload/${host}")
    get_property(multi_config GLOBAL PROPERTY GENERATOR_IS_MULTI_CONFIG)
    if(multi_config)
        string(APPEND dir "/$<CONFIG>")
    endif()
    set(${out} "${dir}" PARENT_SCOPE)
endfunction()

# _qhot_build_info(<host> <id> <definitions>)
# Writes <definitions> (may hold generator expressions) into the build-info
# header qhot_library_<id>.h of <host> and makes every source of <host>
# include it first. file(GENERATE) leaves the file alone when its content is
# the same, so nothing that includes it is rebuilt for nothing.
function(_qhot_build_info host id definitions)
    _qhot_build_info_dir(${host} dir)
    set(header "${dir}/qhot_library_${id}.h")
    file(GENERATE OUTPUT "${header}" CONTENT
"// Generated by qhot_link_library(${host} ...): what ${host} knows about a hot
// library. Included first into every source of ${host}; do not edit.
#pragma once
${definitions}")
    if(CMAKE_CXX_COMPILER_ID MATCHES "GNU|Clang|Intel" AND NOT CMAKE_CXX_SIMULATE_ID STREQUAL "MSVC")
        # SHELL: keeps the two words together and out of option de-duplication
        # (a host with two hot libraries has two -include).
        target_compile_options(${host} PRIVATE "SHELL:-include \"${header}\"")
    elseif(MSVC)
        target_compile_options(${host} PRIVATE "/FI${header}")
    else()
        # No known forced-include flag: the definitions as -D flags, as they
        # were before the header (a new library source then rebuilds the host).
        string(REGEX MATCHALL "#define [^\n]*" lines "${definitions}")
        foreach(line IN LISTS lines)
            string(REGEX REPLACE "^#define ([^ ]+) (.*)$" "\\1=\\2" definition "${line}")
            target_compile_definitions(${host} PRIVATE "${definition}")
        endforeach()
    endif()
endfunction()

function(qhot_qml_sources target)
    if(ARGN)
        message(FATAL_ERROR "qhot_qml_sources: unexpected arguments: ${ARGN} (it takes one target)")
    endif()
    if(NOT TARGET ${target})
        message(FATAL_ERROR "qhot_qml_sources: no target named ${target}")
    endif()
    get_target_property(_uri ${target} QT_QML_MODULE_URI)
    if(NOT _uri)
        message(FATAL_ERROR "qhot_qml_sources: ${target} is not a QML module (made by qt_add_qml_module)")
    endif()
    if(NOT QHOTRELOAD_ENABLED)
        return()
    endif()
    cmake_language(EVAL CODE "cmake_language(DEFER CALL _qhot_qml_sources_write [[${target}]])")
endfunction()

function(_qhot_qml_sources_write target)
    qt6_query_qml_module(${target}
        MODULE_RESOURCE_PATH _prefix
        QML_FILES _qml QML_FILES_DEPLOY_PATHS _qml_paths
        RESOURCES _res RESOURCES_DEPLOY_PATHS _res_paths)
    set(_lines "")
    foreach(_set qml res)
        foreach(_file _path IN ZIP_LISTS _${_set} _${_set}_paths)
            if(_path AND _file MATCHES "\\.(qml|js|mjs)$")
                string(APPEND _lines "qrc:${_prefix}/${_path}\t${_file}\n")
            endif()
        endforeach()
    endforeach()
    get_target_property(_dir ${target} BINARY_DIR)
    set(_map "${_dir}/${target}.qhotqml")
    file(CONFIGURE OUTPUT "${_map}" CONTENT "${_lines}")
    set_source_files_properties("${_map}" PROPERTIES QT_RESOURCE_ALIAS "${target}.qhotqml")
    qt6_add_resources(${target} "${target}_qhotqml" PREFIX /qhotreload/qmlsources FILES "${_map}")
endfunction()
