// SPDX-License-Identifier: MIT
//
// The qmake example's application. It calls the hot library through
// QHOT_MODULE and prints its answers again after every reload: rebuild the
// library while it runs (make in the library's build directory) to see it.
//
// With --swap-in <file> it replaces the library with <file> itself, as a
// build would, and exits 0 only if the reload happened and the new code
// answers (what the test of this example runs).

#include "logic.h"

#include <QHotReload/QHotModule>

#include <QtCore/QCommandLineParser>
#include <QtCore/QCoreApplication>
#include <QtCore/QFile>
#include <QtCore/QFileInfo>
#include <QtCore/QTextStream>
#include <QtCore/QTimer>

QHOT_MODULE(hot_logic, QHOT_LIBRARY_FILE_logic, answer, greeting);

namespace {

QTextStream &out()
{
    static QTextStream stream(stdout);
    return stream;
}

void show()
{
    out() << "answer() = " << hot_logic::answer() << Qt::endl
          << "greeting() = " << hot_logic::greeting(QStringLiteral("host")) << Qt::endl;
}

// The old file is removed and the new one appears under the same name (QFile
// writes a temporary file beside it and renames it), as a build replaces it.
bool replaceLibrary(const QString &next)
{
    const QString watched = QString::fromUtf8(QHOT_LIBRARY_FILE_logic);
    out() << "replacing " << watched << " with " << next << Qt::endl;
    return QFile::remove(watched) && QFile::copy(next, watched);
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Calls a hot library and follows its rebuilds."));
    parser.addHelpOption();
    const QCommandLineOption swapIn(QStringLiteral("swap-in"),
                                    QStringLiteral("Replace the library with <file>, check the reload, exit."),
                                    QStringLiteral("file"));
    parser.addOption(swapIn);
    parser.process(app);

    if (!hot_logic::hotModule().load()) {
        out() << "cannot load the library: " << hot_logic::hotModule().errorString() << Qt::endl;
        return 1;
    }
    show();

    QHotLibrary *library = hot_logic::hotModule().library();
    const bool once = parser.isSet(swapIn);
    const int before = hot_logic::answer();
    QObject::connect(library, &QHotLibrary::reloaded, &app, [&] {
        out() << "reloaded (version " << library->version() << ")" << Qt::endl;
        show();
        if (once) {
            const bool changed = hot_logic::answer() != before;
            out() << (changed ? "PASSED" : "FAILED: the answer did not change") << Qt::endl;
            app.exit(changed ? 0 : 1);
        }
    });
    QObject::connect(library, &QHotLibrary::reloadFailed, &app, [&](const QString &reason) {
        out() << "reload refused: " << reason << Qt::endl;
        if (once)
            app.exit(1);
    });

    if (!once) {
        out() << "edit logic.cpp, then run make in " << QFileInfo(library->fileName()).absolutePath()
              << "; Ctrl+C quits" << Qt::endl;
        return app.exec();
    }
    if (!replaceLibrary(parser.value(swapIn))) {
        out() << "FAILED: cannot replace the library" << Qt::endl;
        return 1;
    }
    // Only a bound for a reload that never comes; it normally takes milliseconds.
    QTimer::singleShot(60000, &app, [&] {
        out() << "FAILED: no reload within 60 s" << Qt::endl;
        app.exit(1);
    });
    return app.exec();
}
