// SPDX-License-Identifier: MIT
//
// The hot library of the reload-events example. Change how tick() counts
// while `reload-events` runs and rebuild the target reload_events_logic: the
// worker thread saves the count with this code, lets the swap happen, and
// restores it into the new code, which counts on from there.
//
// The build compiles a copy of this file (<build>/examples/reload-events/live/);
// the scripted demo edits only that copy.

#include "counter.h"

#include <QHotReload/QHotManifest>

namespace counter {

namespace {
int g_count = 0; // starts again at 0 in every freshly loaded version
} // namespace

int tick()
{
    g_count += 1;
    return g_count;
}

QVariantMap saveState()
{
    // fromUtf8, not QStringLiteral: the key must outlive this version.
    return { { QString::fromUtf8("count"), g_count } };
}

void restoreState(const QVariantMap &state)
{
    g_count = state.value(QString::fromUtf8("count")).toInt();
}

} // namespace counter

QHOT_LIBRARY(counter::tick, counter::saveState, counter::restoreState);
