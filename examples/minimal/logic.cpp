// SPDX-License-Identifier: MIT
//
// The hot library of the minimal example. Edit this file while `minimal` runs,
// rebuild the target minimal_logic, and the running app shows the new code.
//
// The build compiles a copy of this file (<build>/examples/minimal/live/logic.cpp):
// an edit here is copied there at the next build, and the scripted demo edits
// only that copy, so it never touches the source tree.

#include <QtCore/qcompilerdetection.h>

// C linkage keeps the symbol names plain, so the app finds them by name.
extern "C" {

// What the app shows as the library's output.
Q_DECL_EXPORT const char *greeting()
{
    return "Hello from logic.cpp";
}

// The next value of the app's counter. The counter itself lives in the app,
// which is why it survives every reload of this library.
Q_DECL_EXPORT int step(int counter)
{
    return counter + 1;
}

} // extern "C"
