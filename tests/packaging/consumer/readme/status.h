// SPDX-License-Identifier: MIT
#ifndef README_STATUS_H
#define README_STATUS_H

#include <QtCore/QString>

namespace game { struct State; }

// A second translation unit calling the hot functions through hotlogic.h.
QString statusLine(game::State &state);

#endif // README_STATUS_H
