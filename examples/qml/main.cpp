// SPDX-License-Identifier: MIT
//
// The QML example: a Qt Quick window whose text comes from a hot C++ library
// (logic.cpp) through the QML module QHotReload — a HotLibrary, a HotCall
// bound to the app's counter, HotLibrary.call() in a function, and a
// HotReloadIndicator. Save logic.cpp while the app runs: a HotBuilder
// (QHotBuilder, set up here from what qhot_link_library() knows) rebuilds the
// library, the indicator shows "building…" or the compiler's first error, and
// the window shows the new code at once, counter untouched. Without a display (or with
// --demo) it runs a scripted demo instead: real edits, real builds, and what
// the QML scene shows after each. Main.qml and Badge.qml are a QML module
// (qt_add_qml_module) with Live QML (HotQml, qhot_qml_sources): save either
// and only what was made from it is made again, the counter kept.

#include "demo.h"
#include "livebuild.h"

#include <QHotReload/QHotBuilder>
#include <QHotReload/QHotManifest> // QHOTRELOAD_ENABLED

#include <QtCore/QCommandLineParser>
#include <QtCore/QTextStream>
#include <QtGui/QGuiApplication>
#include <QtQml/QQmlApplicationEngine>

#include <algorithm>
#include <cstring>

namespace {

// Decided before the QGuiApplication exists, which needs a platform.
bool wantsScriptedDemo(int argc, char **argv)
{
    const auto isDemoFlag = [](const char *argument) { return std::strcmp(argument, "--demo") == 0; };
    if (std::any_of(argv + 1, argv + argc, isDemoFlag))
        return true;
    const QByteArray platform = qgetenv("QT_QPA_PLATFORM");
    if (!platform.isEmpty())
        return platform == "offscreen" || platform == "minimal";
#if defined(Q_OS_UNIX) && !defined(Q_OS_DARWIN)
    return qEnvironmentVariableIsEmpty("DISPLAY") && qEnvironmentVariableIsEmpty("WAYLAND_DISPLAY");
#else
    return false;
#endif
}

} // namespace

int main(int argc, char *argv[])
{
    const bool scripted = wantsScriptedDemo(argc, argv);
    if (scripted) {
        // The demo runs the real scene, with nothing on screen and no GPU needed.
        if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
            qputenv("QT_QPA_PLATFORM", "offscreen");
        if (qEnvironmentVariableIsEmpty("QT_QUICK_BACKEND"))
            qputenv("QT_QUICK_BACKEND", "software");
    }
    QGuiApplication app(argc, argv);
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
            "A QML app with a hot C++ library. Without a display, runs a scripted demo: edits, "
            "rebuilds and reloads the library, checks the QML scene, then restores it."));
    parser.addHelpOption();
    parser.addOption(QCommandLineOption(QStringLiteral("demo"),
                                        QStringLiteral("Run the scripted demo even with a display.")));
    parser.process(app);

    QQmlApplicationEngine engine;
    // The build tree's QHotReload module; an installed one is found in Qt's
    // QML directory or through QML_IMPORT_PATH.
    engine.addImportPath(QStringLiteral(QHOT_EXAMPLE_QML_IMPORT_DIR));
    // Build on save: how to rebuild qml_logic, as qhot_link_library() baked it
    // in. The library is compiled from copies in the build tree, which the
    // build makes from the files you edit: watch those.
    QHotBuilder builder(QHOT_BUILD_INFO(qml_logic));
    const LiveBuild build = QHOT_EXAMPLE_LIVE_BUILD();
    builder.setSources({ build.sourceFile(QStringLiteral("logic.cpp")), build.sourceFile(QStringLiteral("logic.h")) });
    // Main.qml's `property HotBuilder builder`: the indicator follows it.
    engine.setInitialProperties({ { QStringLiteral("libraryFile"), QStringLiteral(QHOT_LIBRARY_FILE_qml_logic) },
                                  { QStringLiteral("ticking"), !scripted },
                                  { QStringLiteral("builder"), QVariant::fromValue<QObject *>(&builder) } });
    const QUrl mainQml(QStringLiteral("qrc:/qt/qml/QmlExample/Main.qml"));
    if (scripted)
        return runScriptedDemo(engine, mainQml, builder);

    builder.setEnabled(true);
    engine.load(mainQml);
    if (engine.rootObjects().isEmpty())
        return 1;
#if QHOTRELOAD_ENABLED
    QTextStream(stdout) << "qml_example: edit " << build.sourceFile(QStringLiteral("logic.cpp")) << Qt::endl
                        << "and save: the app runs " << build.commandLine() << Qt::endl
                        << "(the window updates on each reload; close it to quit)" << Qt::endl
                        << "or save Main.qml or Badge.qml in " << build.sourceDir
                        << ": Live QML re-makes only what was made from the file, the counter kept" << Qt::endl;
#else
    QTextStream(stdout) << "qml_example: hot reload is off in this build (QHOTRELOAD_ENABLED=OFF): "
                           "qml_logic is linked in (close the window to quit)"
                        << Qt::endl;
#endif
    return app.exec();
}
