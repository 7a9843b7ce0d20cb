// SPDX-License-Identifier: MIT
//
// The hot library of the minimal example. Edit this file while `minimal` runs,
// rebuild the target minimal_logic, and the running app shows the new code.
//
// The build compiles a copy of this file and of logic.h
// (<build>/examples/minimal/live/): an edit here is copied there at the next
// build, and the scripted demo edits only the copies, so it never touches the
// source tree.

#include "logic.h"

#include <QHotReload/QHotManifest>

namespace logic {

QString greeting()
{
    // fromUtf8, not QStringLiteral: a literal's characters stay in this
    // library's memory, and the app keeps the string after this version of
    // the library is unloaded.
    return QString::fromUtf8("Hello from logic.cpp");
}

int step(int counter)
{
    return counter + 1;
}

} // namespace logic

// The functions the app may call, checked against its declarations at every
// load. With hot reload off this expands to nothing.
QHOT_LIBRARY(logic::greeting, logic::step);
