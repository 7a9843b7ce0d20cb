# Builds the API reference into WORK_DIR and checks it (see CMakeLists.txt):
#   - QDoc printed no warning (run-qdoc.cmake fails otherwise);
#   - each public class has a page: every class or struct in
#     include/QHotReload/*.h that is exported (QHOTRELOAD_*_EXPORT) or a
#     QObject or gadget (Q_OBJECT, Q_GADGET);
#   - each QML type has a page: QML_ELEMENT / QML_NAMED_ELEMENT in qml/*.h and
#     the .qml files of qml/CMakeLists.txt's QML_FILES;
#   - each qhot_* function of cmake/QHotReloadFunctions.cmake has a page.

if(QDOC_MISSING)
    message(FATAL_ERROR "check_docs: QDoc was not found when this build tree was configured, so the "
        "reference cannot be checked. Install qt6-documentation-tools (.ci/install-deps does) and configure again.")
endif()
foreach(var SETTINGS HEADERDOCS WORK_DIR SOURCE_DIR)
    if(NOT DEFINED ${var})
        message(FATAL_ERROR "check_docs.cmake: ${var} not set")
    endif()
endforeach()
include("${SETTINGS}")

# The comments of the headers, as the docs target reads them.
set(GENERATED_DIR "${WORK_DIR}/generated")
file(REMOVE_RECURSE "${WORK_DIR}")
string(REPLACE "|" ";" headers "${DOCUMENTED_HEADERS}")
foreach(header IN LISTS headers)
    file(RELATIVE_PATH relative "${SOURCE_DIR}" "${header}")
    get_filename_component(dir "${GENERATED_DIR}/${relative}" DIRECTORY)
    file(MAKE_DIRECTORY "${dir}")
    execute_process(COMMAND "${HEADERDOCS}" QHotReload "${header}" "${GENERATED_DIR}/${relative}.cpp"
        RESULT_VARIABLE result)
    if(NOT result EQUAL 0)
        message(FATAL_ERROR "check_docs: headerdocs failed on ${relative}")
    endif()
endforeach()

set(html "${WORK_DIR}/html")
execute_process(
    COMMAND "${CMAKE_COMMAND}" "-DSETTINGS=${SETTINGS}" "-DOUTPUT_DIR=${html}" "-DLOG=${WORK_DIR}/qdoc.log"
        "-DGENERATED_DIR=${GENERATED_DIR}" -P "${SOURCE_DIR}/doc/run-qdoc.cmake"
    RESULT_VARIABLE result)
if(NOT result EQUAL 0)
    message(FATAL_ERROR "check_docs: the reference did not build without warnings (log: ${WORK_DIR}/qdoc.log)")
endif()

set(missing "")
set(checked 0)
macro(expect_page what name page)
    math(EXPR checked "${checked} + 1")
    if(NOT EXISTS "${html}/${page}")
        list(APPEND missing "${what} ${name} (${page})")
    endif()
endmacro()

# Appends to <out> the names matched by <pattern> in <text>, each the
# <replacement> of the match by <pattern>.
function(collect_names out text pattern replacement)
    set(names ${${out}})
    string(REGEX MATCHALL "${pattern}" matches "${text}")
    foreach(match IN LISTS matches)
        string(REGEX REPLACE "${pattern}" "${replacement}" name "${match}")
        list(APPEND names "${name}")
    endforeach()
    set(${out} ${names} PARENT_SCOPE)
endfunction()

# Public classes: exported ones, and QObjects and gadgets declared without an
# export macro (header-only).
file(GLOB public_headers "${SOURCE_DIR}/include/QHotReload/*.h")
set(classes "")
foreach(header IN LISTS public_headers)
    file(READ "${header}" text)
    collect_names(classes "${text}" "(class|struct) +QHOTRELOAD_[A-Z]+_EXPORT +([A-Za-z_0-9]+)" "\\2")
    collect_names(classes "${text}"
        "(class|struct) +(QHOTRELOAD_[A-Z]+_EXPORT +)?([A-Za-z_0-9]+)[^;{]*{[ \n]*Q_(OBJECT|GADGET)" "\\3")
endforeach()
list(REMOVE_DUPLICATES classes)
if(NOT classes)
    message(FATAL_ERROR "check_docs: found no public class in include/QHotReload: the parsing is broken")
endif()
foreach(name IN LISTS classes)
    string(TOLOWER "${name}" page)
    expect_page("class" "${name}" "${page}.html")
endforeach()

# QML types: registered in C++ (named, or under the class's name) and QML files.
file(GLOB qml_headers "${SOURCE_DIR}/qml/*.h")
set(qml_types "")
foreach(header IN LISTS qml_headers)
    file(READ "${header}" text)
    collect_names(qml_types "${text}" "QML_NAMED_ELEMENT\\( *([A-Za-z_0-9]+) *\\)" "\\1")
    collect_names(qml_types "${text}"
        "class +(QHOTRELOAD_[A-Z]+_EXPORT +)?([A-Za-z_0-9]+)[^;{]*{[^}]*QML_ELEMENT[^_]" "\\2")
endforeach()
file(READ "${SOURCE_DIR}/qml/CMakeLists.txt" qml_cmake)
string(REGEX MATCH "QML_FILES[^)]*" qml_files "${qml_cmake}")
string(REGEX MATCHALL "[A-Za-z_0-9/]+\\.qml" qml_files "${qml_files}")
foreach(file IN LISTS qml_files)
    get_filename_component(name "${file}" NAME_WE)
    list(APPEND qml_types "${name}")
endforeach()
list(REMOVE_DUPLICATES qml_types)
if(NOT qml_types)
    message(FATAL_ERROR "check_docs: found no QML type in qml/: the parsing is broken")
endif()
foreach(name IN LISTS qml_types)
    string(TOLOWER "${name}" page)
    expect_page("QML type" "${name}" "qml-qhotreload-${page}.html")
endforeach()

# CMake functions.
file(READ "${SOURCE_DIR}/cmake/QHotReloadFunctions.cmake" functions_text)
string(REGEX MATCHALL "\nfunction\\( *qhot_[a-z_0-9]+" functions "${functions_text}")
foreach(match IN LISTS functions)
    string(REGEX REPLACE ".*\\( *" "" name "${match}")
    string(REPLACE "_" "-" page "${name}")
    expect_page("CMake function" "${name}" "${page}.html")
endforeach()

if(missing)
    string(REPLACE ";" "\n  " missing "${missing}")
    message(FATAL_ERROR "check_docs: no reference page for:\n  ${missing}")
endif()
message(STATUS "check_docs: ${checked} pages present (classes: ${classes}; QML types: ${qml_types}); no QDoc warning")
