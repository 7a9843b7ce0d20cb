// SPDX-License-Identifier: MIT
#include "status.h"

#include "hotlogic.h"

QString statusLine(game::State &state)
{
    hot::step(state);
    return hot::describe(state);
}
