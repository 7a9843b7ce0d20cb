// SPDX-License-Identifier: MIT
#ifndef QHOTEXAMPLES_RUNMODE_H
#define QHOTEXAMPLES_RUNMODE_H

// How an example's main() chooses between its window and its scripted demo.
// Header-only: the support library links QtCore only, and runDemoOrWindow()
// makes the QApplication of an example, which links QtWidgets.

#include <QtCore/QByteArray>
#include <QtCore/QCommandLineOption>
#include <QtCore/QCommandLineParser>
#include <QtCore/QCoreApplication>
#include <QtCore/QString>
#include <QtWidgets/QApplication>

#include <cstring>
#include <initializer_list>

namespace RunMode {

/*!
    Whether the example should run without a window: one of \a headlessFlags
    is on the command line, the platform is offscreen or minimal, or (X11 and
    Wayland) there is no display at all. Decided before any QCoreApplication
    exists: a QApplication without a display would abort.
*/
inline bool headlessWanted(int argc, char **argv, std::initializer_list<const char *> headlessFlags = { "--demo" })
{
    for (int i = 1; i < argc; ++i) {
        for (const char *flag : headlessFlags) {
            if (std::strcmp(argv[i], flag) == 0)
                return true;
        }
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

//! The --demo option every example has.
inline QCommandLineOption demoOption()
{
    return QCommandLineOption(QStringLiteral("demo"), QStringLiteral("Run the scripted demo even with a display."));
}

//! Parses the command line of an example that has only --demo (and --help,
//! which, like an unknown option, ends the process as QCommandLineParser does).
inline void parseDemoCommandLine(const QCoreApplication &app, const QString &description)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(description);
    parser.addHelpOption();
    parser.addOption(demoOption());
    parser.process(app);
}

/*!
    The main() of an example with a window and a scripted demo: without a
    display (or with --demo) runs \a scriptedDemo under a QCoreApplication and
    returns its exit code; otherwise makes the QApplication and returns what
    \a windowed(app) returns (it shows the window and runs app.exec()).
    \a description is what --help says.
*/
template <typename ScriptedDemo, typename Windowed>
int runDemoOrWindow(int argc, char **argv, const QString &description, ScriptedDemo scriptedDemo,
                    Windowed windowed)
{
    if (headlessWanted(argc, argv)) {
        QCoreApplication app(argc, argv);
        parseDemoCommandLine(app, description);
        return scriptedDemo();
    }
    QApplication app(argc, argv);
    parseDemoCommandLine(app, description);
    return windowed(app);
}

} // namespace RunMode

#endif // QHOTEXAMPLES_RUNMODE_H
