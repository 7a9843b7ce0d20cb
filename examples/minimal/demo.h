// SPDX-License-Identifier: MIT
#ifndef MINIMAL_DEMO_H
#define MINIMAL_DEMO_H

class QHotLibrary;

// Runs the scripted demo on an unloaded \a library: edits the build's copy of
// logic.cpp, rebuilds it for real and checks each reload, and puts the copy
// back as it found it. Prints every step; returns the exit code (0: passed).
// Needs a QCoreApplication; spins its own event loops.
int runScriptedDemo(QHotLibrary &library);

#endif // MINIMAL_DEMO_H
