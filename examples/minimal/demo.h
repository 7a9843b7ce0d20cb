// SPDX-License-Identifier: MIT
#ifndef MINIMAL_DEMO_H
#define MINIMAL_DEMO_H

// Runs the scripted demo. Hot: loads minimal_logic, edits the build's copy of
// its sources, rebuilds it for real and checks each reload (and each refusal),
// then puts the copies back as it found them. Hot reload off: calls the
// statically linked functions once. Prints every step; returns the exit code
// (0: passed). Needs a QCoreApplication; spins its own event loops.
int runScriptedDemo();

#endif // MINIMAL_DEMO_H
