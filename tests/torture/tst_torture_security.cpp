// SPDX-License-Identifier: MIT
// Security: the private copies live in an owner-only directory with a name no
// one can guess in advance, and a library that other users could write (or
// replace) is refused unless the application allows it.

#include "torturetest.h"

#include <QtCore/QCoreApplication>
#include <QtCore/QRegularExpression>
#include <QtCore/QScopeGuard>
#include <QtCore/QSet>
#include <QtCore/QTemporaryFile>
#include <QtTest/QSignalSpy>
#include <QtTest/QTest>

#include <cstdio>
#include <memory>
#include <vector>

using namespace QHotTorture;

class tst_TortureSecurity : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void privateDirectory();
    void writableByOthers_data();
    void writableByOthers();
    void writableByOthersAtRuntime();
};

void tst_TortureSecurity::initTestCase()
{
#if !defined(Q_OS_UNIX)
    QSKIP("the permission checks are POSIX only");
#else
    ::umask(022);
#endif
}

// Each QHotLibrary makes its own directory: mode 0700, ours, and named with a
// random part (mkdtemp), so no other user can have made it, or a link at its
// path, beforehand. The copies in it are owner-only too.
void tst_TortureSecurity::privateDirectory()
{
    constexpr int Libraries = 8;
    std::vector<std::unique_ptr<WatchedLibrary>> files;
    std::vector<std::unique_ptr<QHotLibrary>> libs;
    QSet<QString> dirs;
    QSet<QString> randomParts;
    const QRegularExpression name(QStringLiteral("^qhotreload-%1-(.+)$").arg(QCoreApplication::applicationPid()));
    for (int i = 0; i < Libraries; ++i) {
        files.push_back(std::make_unique<WatchedLibrary>(fixture(QHOT_TORTURE_V1)));
        QVERIFY(files.back()->isValid());
        libs.push_back(std::make_unique<QHotLibrary>(files.back()->path()));
        QVERIFY2(libs.back()->load(), qPrintable(libs.back()->errorString()));
        const QFileInfo copy(libs.back()->loadedFileName());
        const QString dir = copy.absolutePath();
        dirs.insert(dir);
        QCOMPARE(modeOf(dir), 0700);
        QCOMPARE(modeOf(copy.absoluteFilePath()) & 077, 0);
        QCOMPARE(uint(QFileInfo(dir).ownerId()), uint(::getuid()));
        QVERIFY(!QFileInfo(dir).isSymLink());
        const QRegularExpressionMatch match = name.match(QFileInfo(dir).fileName());
        QVERIFY2(match.hasMatch(), qPrintable(dir));
        const QString random = match.captured(1);
        QVERIFY2(random.size() >= 6, qPrintable(random));
        randomParts.insert(random);
    }
    qInfo().noquote() << "random parts:" << QStringList(randomParts.begin(), randomParts.end()).join(QLatin1Char(' '));
    QCOMPARE(dirs.size(), Libraries);
    QCOMPARE(randomParts.size(), Libraries);
    // Not a counter: the parts share no common prefix beyond chance.
    int sequential = 0;
    for (const QString &part : std::as_const(randomParts)) {
        bool ok = false;
        part.toInt(&ok);
        sequential += ok ? 1 : 0;
    }
    QVERIFY2(sequential < Libraries, "the directory names are plain numbers");
}

namespace {

struct Layout
{
    int fileMode = 0644;
    int dirMode = 0755;
    bool allow = false;
    bool viaSymlink = false; // the watched path is a symlink (in a safe directory) to the file
    bool inSystemTemp = false;
};

} // namespace

Q_DECLARE_METATYPE(Layout)

void tst_TortureSecurity::writableByOthers_data()
{
    QTest::addColumn<Layout>("layout");
    QTest::addColumn<QString>("refusal"); // empty: accepted

    const QString fileRefusal = QStringLiteral("is writable by other users");
    const QString dirRefusal = QStringLiteral("is in a directory other users can write to");
    QTest::newRow("file 0644 in a 0755 directory") << Layout{} << QString();
    QTest::newRow("file 0666") << Layout{0666} << fileRefusal;
    QTest::newRow("file 0666, allowed") << Layout{0666, 0755, true} << QString();
    QTest::newRow("directory 0777, no sticky bit") << Layout{0644, 0777} << dirRefusal;
    QTest::newRow("directory 0777, no sticky bit, allowed") << Layout{0644, 0777, true} << QString();
    QTest::newRow("directory 1777 (sticky, like /tmp)") << Layout{0644, 01777} << QString();
    QTest::newRow("the system temporary directory") << Layout{0644, -1, false, false, true} << QString();
    QTest::newRow("symlink to a file in a 0777 directory") << Layout{0644, 0777, false, true} << dirRefusal;
}

// load() of such a file fails, naming the file, the cause and the way out.
void tst_TortureSecurity::writableByOthers()
{
    QFETCH(Layout, layout);
    QFETCH(QString, refusal);

    QTemporaryDir root;
    QVERIFY(root.isValid());
    QString dir = root.filePath(QStringLiteral("lib"));
    std::unique_ptr<QTemporaryDir> systemTemp;
    if (layout.inSystemTemp) {
        const QString temp = QDir::tempPath();
        if ((modeOf(temp) & 01777) != 01777)
            QSKIP("the system temporary directory is not world-writable with the sticky bit here");
        dir = temp;
    } else {
        QVERIFY(QDir().mkpath(dir));
        QVERIFY(setMode(dir, layout.dirMode));
    }
    const auto restoreDir = qScopeGuard([&] {
        if (!layout.inSystemTemp)
            setMode(dir, 0755);
    });
    // A unique name in a shared directory. QTemporaryFile keeps its file open
    // for writing until it is destroyed (close() only rewinds), and a file a
    // writer has open is not taken: keep the name, let the object go.
    QString filePath;
    {
        QTemporaryFile unique(QDir(dir).filePath(QStringLiteral("libtorture-XXXXXX.so")));
        QVERIFY(unique.open());
        unique.setAutoRemove(false);
        filePath = unique.fileName();
    }
    const auto removeFile = qScopeGuard([&filePath] { QFile::remove(filePath); });
    QVERIFY(writeFile(filePath, readFile(fixture(QHOT_TORTURE_V1))));
    QVERIFY(setMode(filePath, layout.fileMode));

    QString watched = filePath;
    if (layout.viaSymlink) {
        watched = root.filePath(QStringLiteral("libtorture.so"));
        QVERIFY(QFile::link(filePath, watched));
    }

    QHotLibrary lib(watched);
    lib.setAllowWritableByOthers(layout.allow);
    QCOMPARE(lib.allowWritableByOthers(), layout.allow);
    const bool loaded = lib.load();
    if (refusal.isEmpty()) {
        QVERIFY2(loaded, qPrintable(lib.errorString()));
        QCOMPARE(lib.call(QStringLiteral("torture::answer")).toInt(), 1);
        return;
    }
    QVERIFY(!loaded);
    const QString error = lib.errorString();
    qInfo().noquote() << "error:" << error;
    QVERIFY2(error.startsWith(QDir::toNativeSeparators(watched) + QLatin1Char(' ')), qPrintable(error));
    QVERIFY2(error.contains(refusal), qPrintable(error));
    QVERIFY2(error.contains(QLatin1String("setAllowWritableByOthers")), qPrintable(error));
    QVERIFY(!lib.isLoaded());
}

// A rebuild that lands writable by others is refused while the old version
// keeps running; once its permissions are fixed, it is taken.
void tst_TortureSecurity::writableByOthersAtRuntime()
{
    WatchedLibrary file(fixture(QHOT_TORTURE_V1));
    QVERIFY(file.isValid());
    QHotLibrary lib(file.path());
    QVERIFY2(lib.load(), qPrintable(lib.errorString()));
    QSignalSpy failed(&lib, &QHotLibrary::reloadFailed);

    const QString staged = file.path() + QStringLiteral(".staged");
    QVERIFY(writeFile(staged, readFile(fixture(QHOT_TORTURE_V2))));
    QVERIFY(setMode(staged, 0666));
    QVERIFY(::rename(QFile::encodeName(staged).constData(), QFile::encodeName(file.path()).constData()) == 0);
    QTRY_COMPARE_WITH_TIMEOUT(failed.count(), 1, Timeout);
    const QString reason = failed.first().first().toString();
    QVERIFY2(reason.startsWith(file.nativePath() + QLatin1Char(' ')), qPrintable(reason));
    QVERIFY2(reason.contains(QLatin1String("is writable by other users")), qPrintable(reason));
    QCOMPARE(lib.version(), 1);
    QCOMPARE(lib.call(QStringLiteral("torture::answer")).toInt(), 1);

    QVERIFY(setMode(file.path(), 0644));
    QTRY_COMPARE_WITH_TIMEOUT(lib.version(), 2, Timeout);
    QCOMPARE(lib.call(QStringLiteral("torture::answer")).toInt(), 2);
    QCOMPARE(failed.count(), 1);
}

QTEST_GUILESS_MAIN(tst_TortureSecurity)
#include "tst_torture_security.moc"
