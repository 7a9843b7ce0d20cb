// SPDX-License-Identifier: MIT
#ifndef QMLEXAMPLE_DEMO_H
#define QMLEXAMPLE_DEMO_H

#include <QtCore/QUrl>

class QHotBuilder;
class QQmlApplicationEngine;

// Runs the scripted demo: builds qml_logic, loads \a mainQml in \a engine
// (the real window, offscreen), edits the build's copy of the library's
// sources, rebuilds it for real and checks after each step what the QML
// scene shows, then puts the copies back. The broken build runs through
// \a builder (the scene's HotBuilder, left disabled so the demo's edits start
// no builds of their own), so the scene's indicator shows its failure.
// Prints every step; returns the exit code (0: passed). Needs a
// QGuiApplication; spins its own event loops.
int runScriptedDemo(QQmlApplicationEngine &engine, const QUrl &mainQml, QHotBuilder &builder);

#endif // QMLEXAMPLE_DEMO_H
