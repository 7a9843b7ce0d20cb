// SPDX-License-Identifier: MIT
//
// The hot library of the serialized-state example. Edit the Walker struct and
// step() while `serialized-state` runs, rebuild the target
// serialized_state_logic, and the next step reads the app's state into the new
// struct by field name: kept fields keep their values, new fields start at
// their defaults, removed ones are reported and dropped.
//
// The build compiles a copy of this file (<build>/examples/serialized-state/live/);
// the scripted demo edits only that copy.

#include "world.h"

#include <QHotReload/QHotManifest>
#include <QHotReload/QHotState>

namespace world {

// The library's own view of the app's state. Only this file knows it.
// Its string defaults use fromUtf8, not QStringLiteral: they go into the
// app's map, which outlives this version of the library (and a literal's
// characters, which stay in the library's memory).
struct Walker
{
    Q_GADGET
    Q_PROPERTY(int position MEMBER position)
    Q_PROPERTY(int speed MEMBER speed)
    Q_PROPERTY(int steps MEMBER steps)
    Q_PROPERTY(QString direction MEMBER direction)

public:
    int position = 0;
    int speed = 2;
    int steps = 0;
    QString direction = QString::fromUtf8("right");
};

namespace {
// Global state of the library. Without the hooks below a reload would start
// it again from 0.
int g_stepsServed = 0;
QStringList g_lastProblems;
} // namespace

QVariantMap step(const QVariantMap &state)
{
    QStringList problems;
    Walker walker = QHotReload::fromVariantMap<Walker>(state, &problems);
    g_lastProblems = problems;

    walker.position += walker.speed;
    ++walker.steps;
    ++g_stepsServed;

    return QHotReload::toVariantMap(walker);
}

QStringList lastProblems()
{
    return g_lastProblems;
}

int stepsServed()
{
    return g_stepsServed;
}

// Called on the running version just before a swap, and on the new version
// just after it.
QVariant saveState()
{
    return QVariantMap{ { QString::fromUtf8("stepsServed"), g_stepsServed } };
}

bool restoreState(const QVariant &saved)
{
    g_stepsServed = saved.toMap().value(QString::fromUtf8("stepsServed")).toInt();
    return true;
}

} // namespace world

QHOT_LIBRARY(world::step, world::lastProblems, world::stepsServed);
QHOT_LIBRARY_STATE(world::saveState, world::restoreState);

#include "world.moc"
