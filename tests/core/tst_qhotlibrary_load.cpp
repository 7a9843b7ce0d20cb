// SPDX-License-Identifier: MIT
// QHotLibrary: the first load, its errors, version()/wasUpdated(), and the
// private directory the copies live in.

#include "testutil.h"

#include <QHotReload/qhotlibrary.h>

#include <QtCore/QLockFile>
#include <QtCore/QProcess>
#include <QtTest/QSignalSpy>
#include <QtTest/QTest>

#include <memory>

#if defined(Q_OS_UNIX)
#include <sys/stat.h>
#include <unistd.h>
#endif

using namespace QHotTest;

class tst_QHotLibraryLoad : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void firstLoad();
    void loadFails_data();
    void loadFails();
    void explicitReloadAndUnload();
    void versionAndWasUpdated();
    void privateDirIsOwnerOnlyAndRemoved();
    void staleDirsAreCleaned();
};

void tst_QHotLibraryLoad::initTestCase()
{
    for (int v = 1; v <= 10; ++v)
        QVERIFY2(QFileInfo::exists(answerFixture(v)), qPrintable(answerFixture(v)));
    QVERIFY(QFileInfo::exists(fixture(QHOT_TEST_FIXTURE_ANSWER_NOSYMBOL)));
    QVERIFY(QFileInfo::exists(fixture(QHOT_TEST_LOCKHOLDER)));
}

void tst_QHotLibraryLoad::firstLoad()
{
    WatchedDir watched;
    const QString path = watched.add(answerFixture(1));
    QVERIFY(!path.isEmpty());

    QHotLibrary lib(path);
    QSignalSpy loadedChanged(&lib, &QHotLibrary::loadedChanged);
    QSignalSpy versionChanged(&lib, &QHotLibrary::versionChanged);
    QSignalSpy aboutToReload(&lib, &QHotLibrary::aboutToReload);
    QSignalSpy reloaded(&lib, &QHotLibrary::reloaded);
    QCOMPARE(lib.fileName(), path);
    QVERIFY(!lib.isLoaded());
    QCOMPARE(lib.version(), 0);
    QVERIFY(lib.loadedFileName().isEmpty());
    QVERIFY(!lib.resolve("answer"));

    QVERIFY2(lib.load(), qPrintable(lib.errorString()));
    QVERIFY(lib.isLoaded());
    QCOMPARE(lib.version(), 1);
    QCOMPARE(call(lib), 1);
    QVERIFY(lib.errorString().isEmpty());
    QCOMPARE(loadedChanged.count(), 1);
    QCOMPARE(versionChanged.count(), 1);
    // The first version is not a reload: nobody has state to save yet.
    QCOMPARE(aboutToReload.count(), 0);
    QCOMPARE(reloaded.count(), 0);

    // What is loaded is a private copy, not the file the build overwrites.
    const QString copy = lib.loadedFileName();
    QVERIFY(!copy.isEmpty());
    QVERIFY(QFileInfo(copy).canonicalFilePath() != QFileInfo(path).canonicalFilePath());
    QVERIFY(QFileInfo(copy).absoluteDir() != QDir(watched.path()));
    QCOMPARE(sha1(readFile(copy)), sha1(readFile(path)));
#if defined(Q_OS_LINUX)
    QVERIFY(isMapped(copy));
    QVERIFY(!isMapped(path));
#endif

    // Loading again is a no-op, not a new version.
    QVERIFY2(lib.load(), qPrintable(lib.errorString()));
    QCOMPARE(lib.version(), 1);
    QCOMPARE(lib.loadedFileName(), copy);
}

void tst_QHotLibraryLoad::loadFails_data()
{
    QTest::addColumn<QByteArray>("bytes");       // what the watched file holds; null: no file
    QTest::addColumn<QStringList>("required");
    QTest::addColumn<QString>("needle");          // besides the path, the message names this

    const QByteArray v1 = readFile(answerFixture(1));
    QTest::newRow("missing file") << QByteArray() << QStringList() << QStringLiteral("does not exist");
    QTest::newRow("not a library")
            << QByteArray("#!/bin/sh\necho this is not a shared library\n").repeated(50)
            << QStringList() << QStringLiteral("not a shared library");
    QTest::newRow("truncated") << v1.left(v1.size() / 2) << QStringList() << QStringLiteral("cut short");
    QTest::newRow("missing required symbol") << readFile(fixture(QHOT_TEST_FIXTURE_ANSWER_NOSYMBOL))
                                             << QStringList{QStringLiteral("answer")}
                                             << QStringLiteral("answer");
}

void tst_QHotLibraryLoad::loadFails()
{
    QFETCH(QByteArray, bytes);
    QFETCH(QStringList, required);
    QFETCH(QString, needle);

    WatchedDir watched;
    const QString path = watched.filePath(QStringLiteral("libanswer.so"));
    if (!bytes.isNull())
        QVERIFY(writeLikeLd(path, bytes));

    QHotLibrary lib(path);
    lib.setRequiredSymbols(required);
    QSignalSpy errorChanged(&lib, &QHotLibrary::errorStringChanged);
    QVERIFY(!lib.load());
    QVERIFY(!lib.isLoaded());
    QCOMPARE(lib.version(), 0);
    QVERIFY(lib.loadedFileName().isEmpty());
    QVERIFY2(lib.errorString().contains(QDir::toNativeSeparators(path)), qPrintable(lib.errorString()));
    QVERIFY2(lib.errorString().contains(needle), qPrintable(lib.errorString()));
    QCOMPARE(errorChanged.count(), 1);
}

void tst_QHotLibraryLoad::explicitReloadAndUnload()
{
    WatchedDir watched;
    const QString path = watched.add(answerFixture(1));
    QHotLibrary lib(path);
    lib.setAutoReload(false);
    QVERIFY2(lib.load(), qPrintable(lib.errorString()));
    const QString first = lib.loadedFileName();

    // reload() takes the file even when its bytes are the loaded ones.
    QSignalSpy reloaded(&lib, &QHotLibrary::reloaded);
    QVERIFY2(lib.reload(), qPrintable(lib.errorString()));
    QCOMPARE(reloaded.count(), 1);
    QCOMPARE(lib.version(), 2);
    QCOMPARE(call(lib), 1);
    QVERIFY(lib.loadedFileName() != first);
    QVERIFY(!QFileInfo::exists(first));

    const QString second = lib.loadedFileName();
    QVERIFY(lib.unload());
    QVERIFY(!lib.isLoaded());
    QCOMPARE(lib.version(), 0);
    QVERIFY(lib.loadedFileName().isEmpty());
    QVERIFY(!QFileInfo::exists(second));
    QVERIFY(!lib.unload());
}

void tst_QHotLibraryLoad::versionAndWasUpdated()
{
    WatchedDir watched;
    const QString path = watched.add(answerFixture(1));
    QHotLibrary lib(path);
    QCOMPARE(lib.version(), 0);
    QVERIFY(!lib.wasUpdated());

    QVERIFY2(lib.load(), qPrintable(lib.errorString()));
    QCOMPARE(lib.version(), 1);
    QVERIFY(!lib.wasUpdated()); // the first load is not an update

    QSignalSpy reloaded(&lib, &QHotLibrary::reloaded);
    for (int v = 2; v <= 3; ++v) {
        QVERIFY(writeLikeLd(path, readFile(answerFixture(v))));
        QTRY_COMPARE_WITH_TIMEOUT(reloaded.count(), v - 1, 10000);
        QCOMPARE(lib.version(), v);
        QVERIFY(lib.wasUpdated());
        QVERIFY(!lib.wasUpdated());
        QVERIFY(!lib.wasUpdated());
        QCOMPARE(call(lib), v);
    }
}

void tst_QHotLibraryLoad::privateDirIsOwnerOnlyAndRemoved()
{
    WatchedDir watched;
    const QString path = watched.add(answerFixture(1));
    auto lib = std::make_unique<QHotLibrary>(path);
    QVERIFY2(lib->load(), qPrintable(lib->errorString()));
    const QString dir = QFileInfo(lib->loadedFileName()).absolutePath();
    QVERIFY(QFileInfo(dir).isDir());
    QVERIFY2(QFileInfo(dir).fileName().startsWith(QStringLiteral("qhotreload-")), qPrintable(dir));

#if defined(Q_OS_UNIX)
    struct stat st {};
    QCOMPARE(::stat(QFile::encodeName(dir).constData(), &st), 0);
    QCOMPARE(st.st_mode & 0777, mode_t(0700));
    QCOMPARE(st.st_uid, ::getuid());
#endif
    const QFileDevice::Permissions others = QFileDevice::ReadGroup | QFileDevice::WriteGroup
            | QFileDevice::ExeGroup | QFileDevice::ReadOther | QFileDevice::WriteOther | QFileDevice::ExeOther;
    QCOMPARE(QFileInfo(dir).permissions() & others, QFileDevice::Permissions());

    // The directory survives reloads and goes with the library.
    QSignalSpy reloaded(lib.get(), &QHotLibrary::reloaded);
    QVERIFY(writeLikeLd(path, readFile(answerFixture(2))));
    QTRY_COMPARE_WITH_TIMEOUT(reloaded.count(), 1, 10000);
    QCOMPARE(QFileInfo(lib->loadedFileName()).absolutePath(), dir);
    lib.reset();
    QVERIFY(!QFileInfo::exists(dir));
}

void tst_QHotLibraryLoad::staleDirsAreCleaned()
{
    // A private directory whose process died without cleaning up.
    QProcess child;
    child.start(fixture(QHOT_TEST_LOCKHOLDER), {QDir::tempPath()});
    QVERIFY2(child.waitForFinished(30000), qPrintable(child.errorString()));
    QCOMPARE(child.exitStatus(), QProcess::NormalExit);
    QCOMPARE(child.exitCode(), 0);
    const QString stale = QString::fromLocal8Bit(child.readAllStandardOutput()).trimmed();
    QVERIFY2(QFileInfo(stale).fileName().startsWith(QStringLiteral("qhotreload-")), qPrintable(stale));
    QVERIFY2(QFileInfo::exists(stale + QStringLiteral("/.lock")), qPrintable(stale));
    QFile leftover(stale + QStringLiteral("/libanswer-v1.so"));
    QVERIFY(leftover.open(QIODevice::WriteOnly));
    leftover.close();

    // One in use by a live process (this one) must be kept.
    QTemporaryDir live(QDir::tempPath() + QStringLiteral("/qhotreload-")
                       + QString::number(QCoreApplication::applicationPid()) + QStringLiteral("-XXXXXX"));
    QVERIFY(live.isValid());
    QLockFile liveLock(live.filePath(QStringLiteral(".lock")));
    QVERIFY(liveLock.tryLock(0));

    WatchedDir watched;
    QHotLibrary lib(watched.add(answerFixture(1)));
    QVERIFY2(lib.load(), qPrintable(lib.errorString()));
    // Another process starting a QHotLibrary (a test running in parallel) may
    // be the one that takes the dead lock and removes the directory; then it
    // is gone a moment later rather than at once.
    QTRY_VERIFY2_WITH_TIMEOUT(!QFileInfo::exists(stale), qPrintable(stale), 10000);
    QVERIFY(QFileInfo::exists(live.path()));
    QVERIFY(QFileInfo::exists(live.filePath(QStringLiteral(".lock"))));
    liveLock.unlock();
}

QTEST_GUILESS_MAIN(tst_QHotLibraryLoad)
#include "tst_qhotlibrary_load.moc"
