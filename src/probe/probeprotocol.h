// SPDX-License-Identifier: MIT
#ifndef QHOTRELOAD_PROBEPROTOCOL_H
#define QHOTRELOAD_PROBEPROTOCOL_H

// What qhotreload-probe and QHotReload::Core say to each other. Plain C++: the
// probe links nothing but the C++ runtime, so it starts in a few milliseconds
// and never brings a library of its own into a trial.
//
// Server (Unix, `qhotreload-probe --serve [--parent <pid>] [--preload <library>]...`,
// fds 0 and 1 one socket to the application, <pid> the application's; it ends
// when the application ends, or closes the socket):
//   request: "<time limit in ms> <path length in bytes>\n" followed by the path
//   answer:  one line "<verdict> <number> <text>\n"
// One trial (`qhotreload-probe --once <path>`, Windows: a process per trial)
// prints the answer line of what it saw on stdout; a crash or a time-out is
// what the parent sees of the process.
//
// <number> is the signal (signal), the exit code (exited) or 0; <text> is the
// exception (threw), the loader's error (unloadable) or the last line the
// library printed before it died, and never holds a newline.

namespace QHotReload::Probe {

constexpr char Loaded[] = "loaded";           // the initializers ran and returned
constexpr char Unloadable[] = "unloadable";   // the loader refused it here: cannot judge
constexpr char Threw[] = "threw";             // an initializer threw: <text> is what
constexpr char Signal[] = "signal";           // the process died of signal <number>
constexpr char Exited[] = "exited";           // an initializer ended the process (exit code <number>)
constexpr char TimedOut[] = "timeout";        // it did not finish within the limit

constexpr char ProgramName[] = "qhotreload-probe";
constexpr char RehearsalName[] = "qhotreload-probe-rehearsal.so"; // beside the program (Unix)

} // namespace QHotReload::Probe

#endif
