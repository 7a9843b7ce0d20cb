// SPDX-License-Identifier: MIT
// README, "In 30 lines": the hot library, ordinary C++ functions.
#include <QHotReload/QHotManifest>
#include "logic.h"
#include "panel.h"
void game::step(State &state) { state.counter += 1; }
QString game::describe(const State &state) { return QStringLiteral("tick %1").arg(state.counter); }
QHOT_LIBRARY(game::step, game::describe, ui::createPanel);
