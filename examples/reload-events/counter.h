// SPDX-License-Identifier: MIT
#ifndef RELOADEVENTS_COUNTER_H
#define RELOADEVENTS_COUNTER_H

#include <QtCore/QVariantMap>

// The hot functions of reload_events_logic. The library keeps its state in a
// global of its own, which a reload would start again from zero: the app's
// worker thread saves it with the old code before the swap and hands it to
// the new code after, holding the swap back in between.
namespace counter {

// One tick of the app's loop: advances the library's counter, returns it.
int tick();

// The library's state, written by the running version's code.
QVariantMap saveState();
// Takes a state saved by an earlier version.
void restoreState(const QVariantMap &state);

} // namespace counter

#endif // RELOADEVENTS_COUNTER_H
