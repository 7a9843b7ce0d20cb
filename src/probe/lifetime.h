// SPDX-License-Identifier: MIT
#ifndef QHOTRELOAD_PROBE_LIFETIME_H
#define QHOTRELOAD_PROBE_LIFETIME_H

// The probe server (Unix) lives exactly as long as the application that
// started it, however the application ends, and takes its forked child along
// (see lifetime.cpp).

#include <sys/types.h>

namespace QHotReload::Probe {

// Ties this server to the application \a parent (its pid as the application
// gave it; 0 when not given). False when that application is gone already:
// it ended between starting this process and this call.
bool followApplication(pid_t parent);

// The server's current child (a waiting or running trial), ended with the
// server if the application ends; -1 when there is none.
void setCurrentChild(pid_t child);

// In a freshly forked child of the server: it ends when the server ends.
// Returns only if the server is still its parent.
void followServer(pid_t server);

// Whether the application closed its end of the command socket (fd 0): it has
// ended. Never reads from it (a waiting child may be reading it).
bool applicationHungUp(short pollEvents);

} // namespace QHotReload::Probe

#endif
