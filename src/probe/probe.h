// SPDX-License-Identifier: MIT
#ifndef QHOTRELOAD_PROBE_PROBE_H
#define QHOTRELOAD_PROBE_PROBE_H

// What the files of qhotreload-probe give each other (see main.cpp for the
// whole). Plain C++ and the platform's calls, no Qt.

#include "probeprotocol.h"

#include <cstddef>
#include <string>
#include <vector>

#if !defined(_WIN32)
#include <sys/types.h>
#endif

namespace QHotReload::Probe {

// --- trial.cpp: the trial and its answer ---

// One answer line ("<verdict> <number> <text>\n"): no newline inside, a
// runaway text cut.
std::string answerLine(const char *verdict, long number, std::string text);
// Writes all of \a bytes to \a fd (as far as it takes them).
void writeAll(int fd, const std::string &bytes);

#if defined(_WIN32)
// Loads \a path in this process and prints the answer line; a crash or a
// hang is for the parent to see.
int once(const wchar_t *path);
#else
// Where this process's answer goes (\a answerFd), and the server to tell
// that it was given (\a serverFd, or -1 with --once).
void answerTo(int answerFd, int serverFd);
// Loads \a path, answers, and ends this process.
[[noreturn]] void runTrial(const char *path);

// --- main.cpp: reading what the application and the children say ---

// Reads what is there on \a fd (non-blocking) into \a into, up to \a limit
// bytes kept; false once the writer closed its end.
bool drain(int fd, std::string *into, std::size_t limit);
// The complete lines of \a text, without their newlines.
std::vector<std::string> lines(const std::string &text);
// Reads one request from fd 0; false when the application is gone (or spoke
// nonsense).
bool readRequest(long long *limitMs, std::string *path);

// --- warmup.cpp: the child forked in advance, what stays loaded ---

struct Child
{
    pid_t pid = -1;
    int words = -1;  // what it tells the server (read end)
    int output = -1; // what it prints (read end)
};

// The library each waiting child loads while nobody waits (rehearsal.cpp).
void setRehearsal(const std::string &path);
// Forks the child for the next trial; it closes \a closeInChild (the
// server's own descriptors) and waits for a request.
bool forkSpare(Child *child, const int closeInChild[2]);
// Keeps what a good trial of \a path needed (\a loaded) loaded here.
void keepWarm(const std::vector<std::string> &loaded, const std::string &path);
#endif

} // namespace QHotReload::Probe

#endif
