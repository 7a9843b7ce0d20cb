// SPDX-License-Identifier: MIT
//
// The flagship QHotReload example: an animated scene whose update step and
// paint function live in a hot library, a settings panel made by that
// library (a QHotWidget), a form from a .ui file (a QHotForm) and a reload
// indicator. With a display it opens the window and rebuilds the library
// whenever one of its sources is saved (QHotBuilder); every part can be edited
// while it runs. Without one (or with --demo) it runs a scripted demo: real
// edits, real builds, checked reloads, kept state.

#include "demo.h"
#include "hotscene.h"
#include "livebuild.h"
#include "runmode.h"
#include "window.h"

#include <QHotReload/QHotBuilder>
#include <QHotReload/QHotReloadIndicator>

#include <QtCore/QCommandLineParser>
#include <QtCore/QTextStream>
#include <QtWidgets/QApplication>

namespace {

QtMessageHandler defaultHandler = nullptr;

// The offscreen platform warns about every top-level window whose size hints
// change; in the scripted output that is noise, not news.
void quietOffscreen(QtMsgType type, const QMessageLogContext &context, const QString &message)
{
    if (message == QLatin1String("This plugin does not support propagateSizeHints()"))
        return;
    defaultHandler(type, context, message);
}

} // namespace

int main(int argc, char *argv[])
{
    // Decided before the QApplication exists: without a display it would
    // abort, so the scripted modes run it on the offscreen platform.
    const bool headless = RunMode::headlessWanted(argc, argv, { "--demo", "--bench", "--screenshot" });
    if (headless) {
        if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
            qputenv("QT_QPA_PLATFORM", "offscreen");
        defaultHandler = qInstallMessageHandler(quietOffscreen);
    }

    QApplication app(argc, argv);
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
            "An animated scene, a settings panel and a form, all editable while the app runs. "
            "Without a display, runs a scripted demo: edits, rebuilds and reloads, then restores."));
    parser.addHelpOption();
    const QCommandLineOption demoOption = RunMode::demoOption();
    const QCommandLineOption benchOption(QStringLiteral("bench"),
                                         QStringLiteral("After the demo, time <edits> more edits from save to "
                                                        "live; the last line is RESULT save_to_live_ms ..."),
                                         QStringLiteral("edits"));
    const QCommandLineOption screenshotOption(QStringLiteral("screenshot"),
                                              QStringLiteral("Render the running window to <file> (PNG) and exit."),
                                              QStringLiteral("file"));
    parser.addOptions({ demoOption, benchOption, screenshotOption });
    parser.process(app);

    if (parser.isSet(screenshotOption))
        return saveScreenshot(parser.value(screenshotOption));
    if (headless) {
        int edits = 0;
        if (parser.isSet(benchOption)) {
            bool ok = false;
            edits = parser.value(benchOption).toInt(&ok);
            if (!ok || edits < 1) {
                QTextStream(stderr) << "--bench takes a number of edits (1 or more)" << Qt::endl;
                return 2;
            }
        }
        return runScriptedDemo(edits);
    }

    // A failed first load is shown in the scene; the file stays watched, so
    // the next good build is taken.
    hot_scene::hotModule().load();
    SceneWindow window;

    // Build on save, the one line: rebuild widgets_scene whenever one of its
    // sources is saved, and tell the indicator.
    QHotBuilder *builder = QHOT_BUILD_ON_SAVE(widgets_scene, hot_scene::hotModule().library(), window.indicator());
    // The library is compiled from copies in the build tree (see
    // CMakeLists.txt), which the build makes from the files you edit: watch
    // those, and scene.ui, whose copy the same build refreshes.
    const LiveBuild build = QHOT_EXAMPLE_LIVE_BUILD();
    QStringList edited;
    for (const char *name : { "scene.h", "scene.cpp", "panel.h", "panel.cpp", "scene.ui" })
        edited << build.sourceFile(QString::fromLatin1(name));
    if (builder) // nullptr with hot reload off
        builder->setSources(edited);

    window.show();
    QTextStream(stdout) << "widgets: edit scene.cpp, panel.cpp or scene.ui in " << build.sourceDir << Qt::endl
                        << "and save: the app runs " << build.commandLine() << Qt::endl
                        << "and takes the new library (or form) while the scene keeps running." << Qt::endl
                        << "(close the window to quit)" << Qt::endl;
    return app.exec();
}
