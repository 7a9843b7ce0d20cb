// SPDX-License-Identifier: MIT
#ifndef SERIALIZEDSTATE_HOTWORLD_H
#define SERIALIZEDSTATE_HOTWORLD_H

#include "world.h"

#include <QHotReload/QHotModule>

// hot_world::step(map) and friends: world.h's functions, through the loaded
// version of serialized_state_logic (or, with hot reload off, directly).
QHOT_MODULE_SCOPED(hot_world, QHOT_LIBRARY_FILE_serialized_state_logic, world, step, lastProblems, stepsServed);

#endif // SERIALIZEDSTATE_HOTWORLD_H
