// SPDX-License-Identifier: MIT
#ifndef SERIALIZEDSTATE_DEMO_H
#define SERIALIZEDSTATE_DEMO_H

// Runs the scripted demo: steps the app's state with version 1 of the
// library, rebuilds the library with a changed struct (a field added, one
// removed, one retyped) and checks what carried over, then restores the
// source. Returns the exit code (0: passed). Needs a QCoreApplication.
int runScriptedDemo();

#endif // SERIALIZEDSTATE_DEMO_H
