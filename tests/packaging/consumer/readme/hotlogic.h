// SPDX-License-Identifier: MIT
#ifndef README_HOTLOGIC_H
#define README_HOTLOGIC_H

// README, "The module in a header": one header, included by main.cpp and
// status.cpp, declares the callables for both.
#include <QHotReload/QHotModule>
#include "logic.h"
#include "panel.h"

QHOT_MODULE_SCOPED(hot, QHOT_LIBRARY_FILE_snippet_logic, game, step, describe);
QHOT_MODULE_SCOPED(hot_ui, QHOT_LIBRARY_FILE_snippet_logic, ui, createPanel);

#endif // README_HOTLOGIC_H
