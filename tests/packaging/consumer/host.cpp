// SPDX-License-Identifier: MIT
//
// The consumer's application. It calls the hot library through QHOT_MODULE and
// prints what it answers. With hot reload on it then writes the library's
// second build over the file it loaded, as a linker would, and checks the new
// code answers. Exit code 0 only if every answer was the expected one (and,
// when hot, the reload happened).

#include "logic.h"

#include <QHotReload/QHotModule>

#include <QtCore/QCoreApplication>
#include <QtCore/QTextStream>

#if QHOTRELOAD_ENABLED
#include <QtCore/QEventLoop>
#include <QtCore/QFile>
#include <QtCore/QTimer>
#endif

QHOT_MODULE(hot_logic, QHOT_LIBRARY_FILE_logic, logicVersion, greeting);
#if QHOTRELOAD_ENABLED && defined(CONSUMER_PEER_LIBRARY)
// The same functions from a second hot library, built beside logic with the
// same flags (and so the same precompiled header).
QHOT_MODULE(hot_peer, CONSUMER_PEER_LIBRARY, logicVersion, greeting);
#endif

namespace {

QTextStream &out()
{
    static QTextStream stream(stdout);
    return stream;
}

bool expectVersion(int expected)
{
    const int version = hot_logic::logicVersion();
    const QString text = hot_logic::greeting(QStringLiteral("consumer"));
    out() << "logicVersion() = " << version << Qt::endl << "greeting() = " << text << Qt::endl;
    if (version != expected || text != QStringLiteral("hello consumer from version %1").arg(expected)) {
        out() << "FAILED: expected version " << expected << Qt::endl;
        return false;
    }
    return true;
}

#if QHOTRELOAD_ENABLED
// The old file is removed and the new one appears under the same name (QFile
// writes a temporary file beside it and renames it), as a build replaces it.
bool swapInNextVersion()
{
    QHotLibrary *library = hot_logic::hotModule().library();
    const QString watched = QString::fromUtf8(QHOT_LIBRARY_FILE_logic);
    const QString next = QString::fromUtf8(CONSUMER_NEXT_VERSION);

    QEventLoop loop;
    bool reloaded = false;
    QObject::connect(library, &QHotLibrary::reloaded, &loop, [&] {
        reloaded = true;
        loop.quit();
    });
    QObject::connect(library, &QHotLibrary::reloadFailed, &loop, [&](const QString &reason) {
        out() << "reloadFailed: " << reason << Qt::endl;
        loop.quit();
    });
    // Only a bound for a reload that never comes; it normally takes milliseconds.
    QTimer::singleShot(60000, &loop, &QEventLoop::quit);

    out() << "replacing " << watched << " with " << next << Qt::endl;
    if (!QFile::remove(watched) || !QFile::copy(next, watched)) {
        out() << "FAILED: could not replace the library file" << Qt::endl;
        return false;
    }
    loop.exec();
    if (!reloaded) {
        out() << "FAILED: no reload (version " << library->version() << ")" << Qt::endl;
        return false;
    }
    out() << "reloaded: library version " << library->version() << Qt::endl;
    return true;
}
#endif

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    out() << "hot reload " << (QHOTRELOAD_ENABLED ? "on" : "off") << Qt::endl;

    if (!hot_logic::hotModule().load()) {
#if QHOTRELOAD_ENABLED
        out() << "FAILED: " << hot_logic::hotModule().errorString() << Qt::endl;
#endif
        return 1;
    }
    if (!expectVersion(1))
        return 1;
#if QHOTRELOAD_ENABLED && defined(CONSUMER_PEER_LIBRARY)
    if (!hot_peer::hotModule().load()) {
        out() << "FAILED: " << hot_peer::hotModule().errorString() << Qt::endl;
        return 1;
    }
    const QString peerText = hot_peer::greeting(QStringLiteral("peer"));
    out() << "peer greeting() = " << peerText << Qt::endl;
    if (hot_peer::logicVersion() != 1 || peerText != QStringLiteral("hello peer from version 1")) {
        out() << "FAILED: the peer library answered wrongly" << Qt::endl;
        return 1;
    }
#endif
#if QHOTRELOAD_ENABLED
    if (!swapInNextVersion() || !expectVersion(2))
        return 1;
#endif
    out() << "PASSED" << Qt::endl;
    return 0;
}
