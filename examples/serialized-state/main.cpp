// SPDX-License-Identifier: MIT
//
// The serialized-state example: the app keeps its state as a QVariantMap and
// hands it to a hot function; the library reads it into its own Q_GADGET
// struct by field name and writes it back. Change the struct while the app
// runs: values carry over by name, new fields start at their defaults, and
// what no longer fits is reported. Without a display (or with --demo) it runs
// a scripted demo: real edits, real builds, checked results.

#include "demo.h"
#include "hotworld.h"
#include "livebuild.h"
#include "runmode.h"
#include "window.h"

#include <QtCore/QSequentialIterable>
#include <QtCore/QTextStream>
#include <QtWidgets/QApplication>

int main(int argc, char *argv[])
{
    // Works around a QHotReload bug (reported, to be fixed in the runtime):
    // QHotReload::fromVariantMap() asks Qt about QSequentialIterable, and if
    // the hot library is the first to do so, Qt's type registry keeps a
    // pointer into that version of the library, which the next version's
    // fromVariantMap() reads after the swap unloaded it (a crash). Registered
    // here first, the registry's entry is the app's.
    qRegisterMetaType<QSequentialIterable>();

    const QString description = QStringLiteral(
            "The app's state as a QVariantMap, read by the hot library into a struct it may change "
            "freely between reloads. Without a display, runs a scripted demo.");
    return RunMode::runDemoOrWindow(argc, argv, description, runScriptedDemo, [](QApplication &app) {
        hot_world::hotModule().load(); // a failure shows in the window; the next good build is taken

        StateWindow window;
        window.show();
#if QHOTRELOAD_ENABLED
        const LiveBuild build = QHOT_EXAMPLE_LIVE_BUILD();
        QTextStream(stdout) << "serialized-state: edit " << build.sourceFile(QStringLiteral("world.cpp")) << Qt::endl
                            << "then rebuild the library with: " << build.commandLine() << Qt::endl;
#endif
        return app.exec();
    });
}
