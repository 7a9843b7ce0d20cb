// SPDX-License-Identifier: MIT
#ifndef RELOADEVENTS_HOTCOUNTER_H
#define RELOADEVENTS_HOTCOUNTER_H

#include "counter.h"

#include <QHotReload/QHotModule>

// counter.h's functions through the loaded version of reload_events_logic.
// Called from the worker thread, each call runs on the library's thread (the
// main thread) and the worker waits for its result.
QHOT_MODULE_SCOPED(hot_counter, QHOT_LIBRARY_FILE_reload_events_logic, counter, tick, saveState, restoreState);

#endif // RELOADEVENTS_HOTCOUNTER_H
