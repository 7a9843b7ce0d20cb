// SPDX-License-Identifier: MIT
#ifndef MINIMAL_HOTLOGIC_H
#define MINIMAL_HOTLOGIC_H

#include "logic.h"

#include <QHotReload/QHotModule>

// hot_logic::greeting() and hot_logic::step(int) have logic.h's signatures
// and read like plain calls. With hot reload on, each goes through the loaded
// version of minimal_logic (the first call loads it); with hot reload off
// (QHOTRELOAD_ENABLED=OFF) they are logic::greeting and logic::step
// themselves, linked in statically. hot_logic::hotModule() is the module:
// load(), errorString(), and in hot builds library(), the QHotLibrary.
QHOT_MODULE_SCOPED(hot_logic, QHOT_LIBRARY_FILE_minimal_logic, logic, greeting, step);

#endif // MINIMAL_HOTLOGIC_H
