// SPDX-License-Identifier: MIT
#ifndef RELOADEVENTS_DEMO_H
#define RELOADEVENTS_DEMO_H

// Runs the scripted demo: a worker thread ticks through the hot library while
// the demo edits and rebuilds it twice; prints every reload event with its
// time and thread and checks their order and that the count carried over.
// Returns the exit code (0: passed). Needs a QCoreApplication.
int runScriptedDemo();

#endif // RELOADEVENTS_DEMO_H
