// SPDX-License-Identifier: MIT
#ifndef SERIALIZEDSTATE_WORLD_H
#define SERIALIZEDSTATE_WORLD_H

#include <QtCore/QStringList>
#include <QtCore/QVariantMap>

// The hot functions of serialized_state_logic. The app's state crosses into
// the library as a QVariantMap (the crate's serde_json::Value), so the
// library is free to change the struct it reads that map into: fields added,
// removed or retyped between two reloads never break the running app.
namespace world {

// One step of the simulation: \a state in, the next state out.
QVariantMap step(const QVariantMap &state);

// What the last step() could not carry over from the map it was given
// (fields the library's struct no longer has, values it could not convert).
QStringList lastProblems();

// How many steps the library has computed: the library's own state, kept
// across reloads by its QHOT_LIBRARY_STATE hooks.
int stepsServed();

} // namespace world

#endif // SERIALIZEDSTATE_WORLD_H
