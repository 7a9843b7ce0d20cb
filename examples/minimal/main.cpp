// SPDX-License-Identifier: MIT
//
// The minimal QHotReload example: a Qt Widgets app that keeps a counter and
// asks a hot library (logic.cpp) for a greeting and for the counter's next
// value. Rebuild the library while the app runs and the app uses the new code
// at once, counter untouched. Without a display (or with --demo) it runs a
// scripted demo instead: real edits, real builds, checked reloads.

#include "buildsetup.h"
#include "demo.h"
#include "hotlogic.h"
#include "window.h"

#include <QHotLibrary>

#include <QtCore/QCommandLineParser>
#include <QtCore/QTextStream>
#include <QtWidgets/QApplication>

#include <cstring>

namespace {

// Decided before any QCoreApplication exists: a QApplication without a
// display would abort, and the demo needs none.
bool scriptedDemoWanted(int argc, char **argv)
{
    for (int i = 1; i < argc; ++i) {
        if (std::strcmp(argv[i], "--demo") == 0)
            return true;
    }
    const QByteArray platform = qgetenv("QT_QPA_PLATFORM");
    if (platform == "offscreen" || platform == "minimal")
        return true;
#if defined(Q_OS_UNIX) && !defined(Q_OS_DARWIN)
    if (platform.isEmpty() && qEnvironmentVariableIsEmpty("DISPLAY")
        && qEnvironmentVariableIsEmpty("WAYLAND_DISPLAY")) {
        return true;
    }
#endif
    return false;
}

void parseCommandLine(const QCoreApplication &app)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
            "Shows a hot library reloaded while the app runs. Without a display, "
            "runs a scripted demo: edits, rebuilds and reloads the library, then restores it."));
    parser.addHelpOption();
    parser.addOption(QCommandLineOption(QStringLiteral("demo"),
                                        QStringLiteral("Run the scripted demo even with a display.")));
    parser.process(app);
}

} // namespace

int main(int argc, char *argv[])
{
    if (scriptedDemoWanted(argc, argv)) {
        QCoreApplication app(argc, argv);
        parseCommandLine(app);
        QHotLibrary library(QStringLiteral(QHOT_LIBRARY_FILE_minimal_logic));
        return runScriptedDemo(library);
    }

    QApplication app(argc, argv);
    parseCommandLine(app);
    QHotLibrary library(QStringLiteral(QHOT_LIBRARY_FILE_minimal_logic));
    library.setRequiredSymbols(HotLogic::symbols());
    // A failed first load is shown in the window; the file stays watched, so
    // the next good build is loaded.
    library.load();

    MinimalWindow window(&library);
    window.show();

    QTextStream(stdout) << "minimal: edit " << BuildSetup::sourceFile() << Qt::endl
                        << "then rebuild the library with: " << BuildSetup::buildCommandLine()
                        << Qt::endl
                        << "(the window updates on each reload; close it to quit)" << Qt::endl;
    return app.exec();
}
