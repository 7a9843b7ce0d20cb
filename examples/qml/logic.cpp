// SPDX-License-Identifier: MIT
//
// The hot library of the QML example. Edit this file while `qml_example`
// runs, rebuild the target qml_logic, and the window shows the new code.
//
// The build compiles a copy of this file and of logic.h
// (<build>/examples/qml/live/): an edit here is copied there at the next
// build, and the scripted demo edits only the copies.

#include "logic.h"

#include <QHotReload/QHotManifest>

namespace logic {

QString greeting(int counter)
{
    // fromUtf8, not QStringLiteral: the string must outlive this version.
    return QString::fromUtf8("Hello from logic.cpp; the counter is %1").arg(counter);
}

int step(int counter)
{
    return counter + 1;
}

} // namespace logic

// What QML may call: HotLibrary.call("logic::step", …), HotCall { name: "logic::greeting" }.
QHOT_LIBRARY(logic::greeting, logic::step);
