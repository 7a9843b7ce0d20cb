// SPDX-License-Identifier: MIT
#ifndef README_LOGIC_H
#define README_LOGIC_H

// README, "In 30 lines": shared by the app and the hot library (declarations only).
#include <QtCore/QString>

namespace game {
struct State { int counter = 0; };
void step(State &state);
QString describe(const State &state);
}

#endif // README_LOGIC_H
