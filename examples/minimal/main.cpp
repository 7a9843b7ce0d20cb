// SPDX-License-Identifier: MIT
//
// The minimal QHotReload example: a Qt Widgets app that keeps a counter and
// asks a hot library (logic.cpp) for a greeting and for the counter's next
// value, through plain calls (hotlogic.h). Rebuild the library while the app
// runs and the app uses the new code at once, counter untouched. Without a
// display (or with --demo) it runs a scripted demo instead: real edits, real
// builds, checked reloads and refusals.

#include "demo.h"
#include "hotlogic.h"
#include "livebuild.h"
#include "runmode.h"
#include "window.h"

#include <QtCore/QTextStream>
#include <QtWidgets/QApplication>

int main(int argc, char *argv[])
{
    const QString description = QStringLiteral(
            "Shows a hot library reloaded while the app runs. Without a display, "
            "runs a scripted demo: edits, rebuilds and reloads the library, then restores it.");
    return RunMode::runDemoOrWindow(argc, argv, description, runScriptedDemo, [](QApplication &app) {
        // A failed first load is shown in the window; the file stays watched, so
        // the next good build is loaded. (With hot reload off: nothing to load.)
        hot_logic::hotModule().load();

        MinimalWindow window;
        window.show();

        QTextStream out(stdout);
#if QHOTRELOAD_ENABLED
        const LiveBuild build = QHOT_EXAMPLE_LIVE_BUILD();
        out << "minimal: edit " << build.sourceFile(QStringLiteral("logic.cpp")) << Qt::endl
            << "then rebuild the library with: " << build.commandLine() << Qt::endl
            << "(the window updates on each reload; close it to quit)" << Qt::endl;
#else
        out << "minimal: hot reload is off in this build (QHOTRELOAD_ENABLED=OFF)" << Qt::endl;
#endif
        return app.exec();
    });
}
