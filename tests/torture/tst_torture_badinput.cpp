// SPDX-License-Identifier: MIT
// What a half-written tree leaves on disk: files that are not libraries, are
// empty, cut short, built for another machine, miss a hot function the
// application calls (or have one more), or cannot be read; and a private copy
// directory that cannot be made or written. Each must be refused once with a
// sentence naming the file and the cause, while the running version keeps
// answering and no state (the application's or the library's) is touched.

#include "torturetest.h"

#include <QtCore/QScopeGuard>
#include <QtTest/QSignalSpy>
#include <QtTest/QTest>

#include <cstdio>

#if defined(Q_OS_UNIX)
#include <csignal>
#include <sys/resource.h>
#endif

using namespace QHotTorture;

namespace {

//! v2 with one 16-bit field of its ELF header replaced.
QByteArray patchedElf(qsizetype offset, quint16 value)
{
    QByteArray bytes = readFile(fixture(QHOT_TORTURE_V2));
    if (bytes.size() < 64)
        return {};
    bytes[offset] = char(value & 0xff);
    bytes[offset + 1] = char(value >> 8);
    return bytes;
}

//! What a bad-input row puts at the watched path, with which permissions.
struct BadFile
{
    QByteArray bytes;
    int mode = 0644;
};

} // namespace

Q_DECLARE_METATYPE(BadFile)

class tst_TortureBadInput : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void refused_data();
    void refused();
    void extraHotFunctionAccepted();
    void privateDirUnusable_data();
    void privateDirUnusable();
    void privateDirRemovedWhileRunning();
    void privateCopyCannotBeWritten();
};

void tst_TortureBadInput::initTestCase()
{
#if defined(Q_OS_UNIX)
    ::umask(022);
#endif
    // An empty file is taken for a link in progress for a minute by default;
    // as long as a file cut short is enough here. Read once, before any look.
    qputenv("QHOTRELOAD_EMPTY_FILE_TIMEOUT_MS", "1500");
}

void tst_TortureBadInput::refused_data()
{
    QTest::addColumn<BadFile>("bad");
    QTest::addColumn<QString>("cause");

    const QByteArray v2 = readFile(fixture(QHOT_TORTURE_V2));
    QByteArray text;
    for (int i = 0; i < 200; ++i)
        text += "this is a build log, not a library\n";

    QTest::newRow("not a library") << BadFile{text} << QStringLiteral("is not a shared library");
    QTest::newRow("empty file") << BadFile{QByteArray()} << QStringLiteral("is empty");
    QTest::newRow("truncated library") << BadFile{v2.left(v2.size() * 6 / 10)} << QStringLiteral("is cut short");
    // e_machine (offset 18): AArch64 on x86-64, x86-64 anywhere else.
#if defined(__x86_64__)
    QTest::newRow("another architecture") << BadFile{patchedElf(18, 183)} << QStringLiteral("is built for AArch64");
#else
    QTest::newRow("another architecture") << BadFile{patchedElf(18, 62)} << QStringLiteral("is built for x86-64");
#endif
    // e_type (offset 16): ET_EXEC.
    QTest::newRow("an executable, not a library") << BadFile{patchedElf(16, 2)}
                                                   << QStringLiteral("is an ELF file of type 2, not a shared library");
    QTest::newRow("missing hot function") << BadFile{readFile(fixture(QHOT_TORTURE_MISSING))}
                                          << QStringLiteral("has no hot function 'torture::answer'");
    QTest::newRow("no manifest") << BadFile{readFile(fixture(QHOT_TORTURE_PLAIN))}
                                 << QStringLiteral("is not a hot library");
    QTest::newRow("unreadable (mode 000)") << BadFile{v2, 0} << QStringLiteral("cannot be read");
}

void tst_TortureBadInput::refused()
{
    QFETCH(BadFile, bad);
    QFETCH(QString, cause);
    if (bad.mode == 0 && isRoot())
        QSKIP("running as root, which reads a file of mode 000 anyway: permission denied cannot be made here");

    WatchedLibrary file(fixture(QHOT_TORTURE_V1));
    QVERIFY(file.isValid());
    TortureModule m(file.path8());
    QVERIFY2(m.module.load(), qPrintable(m.module.errorString()));
    QHotLibrary *lib = m.library();
    QSignalSpy failed(lib, &QHotLibrary::reloadFailed);
    QSignalSpy reloaded(lib, &QHotLibrary::reloaded);

    // State on both sides: the application's counter, the library's count.
    torture::State app{0};
    for (int i = 0; i < 5; ++i)
        m.step(app);
    QCOMPARE(app.counter, 5);
    QCOMPARE(m.steps(), 5);

    // Staged beside the file and renamed over it: the bad bytes arrive at once.
    const QString staged = file.path() + QStringLiteral(".staged");
    QVERIFY(writeFile(staged, bad.bytes));
    QVERIFY(setMode(staged, bad.mode));
    QVERIFY(::rename(QFile::encodeName(staged).constData(), QFile::encodeName(file.path()).constData()) == 0);

    QTRY_COMPARE_WITH_TIMEOUT(failed.count(), 1, Timeout);
    const QString reason = failed.first().first().toString();
    qInfo().noquote() << "reason:" << reason;
    QVERIFY2(reason.startsWith(file.nativePath() + QLatin1Char(' ')), qPrintable(reason));
    QVERIFY2(reason.contains(cause), qPrintable(reason));
    QCOMPARE(lib->errorString(), reason);

    // The old version still answers, on the same state.
    QCOMPARE(reloaded.count(), 0);
    QCOMPARE(lib->version(), 1);
    QCOMPARE(m.answer(), 1);
    QCOMPARE(m.steps(), 5);
    QCOMPARE(app.counter, 5);
    m.step(app);
    QCOMPARE(app.counter, 6);
    QCOMPARE(m.steps(), 6);

    // Reported once: the next good build is the next thing that happens.
    QVERIFY(setMode(file.path(), 0644));
    QVERIFY(writeLikeLd(file.path(), readFile(fixture(QHOT_TORTURE_V2))));
    QTRY_COMPARE_WITH_TIMEOUT(reloaded.count(), 1, Timeout);
    QCOMPARE(failed.count(), 1);
    QCOMPARE(m.answer(), 2);
    QCOMPARE(m.steps(), 6); // the library's state crossed to v2, nothing lost
    QCOMPARE(app.counter, 6);
}

// The application knows fewer functions than the library exports: fine.
void tst_TortureBadInput::extraHotFunctionAccepted()
{
    WatchedLibrary file(fixture(QHOT_TORTURE_V1));
    QVERIFY(file.isValid());
    TortureModule m(file.path8());
    QVERIFY2(m.module.load(), qPrintable(m.module.errorString()));
    QHotLibrary *lib = m.library();
    QSignalSpy failed(lib, &QHotLibrary::reloadFailed);
    torture::State app{0};
    m.step(app);
    m.step(app);

    QVERIFY(writeRenameOver(file.path(), readFile(fixture(QHOT_TORTURE_EXTRA))));
    QTRY_COMPARE_WITH_TIMEOUT(lib->version(), 2, Timeout);
    QCOMPARE(m.answer(), 6);
    QCOMPARE(m.steps(), 2);
    QCOMPARE(lib->call(QStringLiteral("torture::extra")).toInt(), 1006);
    QCOMPARE(failed.count(), 0);
}

// --- The private copy directory ------------------------------------------------------

namespace {

//! Sets TMPDIR (QDir::tempPath()) for as long as it lives.
class TempDirOverride
{
public:
    explicit TempDirOverride(const QString &path) : m_had(qEnvironmentVariableIsSet("TMPDIR")), m_old(qgetenv("TMPDIR"))
    {
        qputenv("TMPDIR", QFile::encodeName(path));
    }
    ~TempDirOverride()
    {
        if (m_had)
            qputenv("TMPDIR", m_old);
        else
            qunsetenv("TMPDIR");
    }
    Q_DISABLE_COPY_MOVE(TempDirOverride)

private:
    bool m_had;
    QByteArray m_old;
};

enum class TempKind { RegularFile, Missing, ReadOnly };

// The library's attempts to copy bytes again after a copy failed, counted
// from its debug output (category qhotreload.loader) so a test can wait for
// them and see they are few. Other messages go on to QtTest's handler.
std::atomic<int> copyRetries{0};
QtMessageHandler testHandler = nullptr;

void countCopyRetries(QtMsgType type, const QMessageLogContext &context, const QString &message)
{
    const bool loaderDebug = type == QtDebugMsg && context.category && qstrcmp(context.category, "qhotreload.loader") == 0;
    if (!loaderDebug) {
        if (testHandler)
            testHandler(type, context, message);
    } else if (message.contains(QLatin1String("cannot be copied")) && message.contains(QLatin1String("trying again"))) {
        copyRetries.fetch_add(1);
    }
}

} // namespace

Q_DECLARE_METATYPE(TempKind)

void tst_TortureBadInput::privateDirUnusable_data()
{
    QTest::addColumn<TempKind>("kind");
    QTest::newRow("TMPDIR is a regular file") << TempKind::RegularFile;
    QTest::newRow("TMPDIR does not exist") << TempKind::Missing;
    QTest::newRow("TMPDIR is read-only") << TempKind::ReadOnly;
}

// No private directory can be made: load() fails with a clear error, the file
// is untouched, and once a directory can be made the same file loads.
void tst_TortureBadInput::privateDirUnusable()
{
    QFETCH(TempKind, kind);
    if (kind == TempKind::ReadOnly && isRoot())
        QSKIP("running as root, which writes into a read-only directory anyway");

    WatchedLibrary file(fixture(QHOT_TORTURE_V1));
    QVERIFY(file.isValid());
    const QByteArray before = readFile(file.path());
    QTemporaryDir scratch;
    QVERIFY(scratch.isValid());
    QString tmp = scratch.filePath(QStringLiteral("tmp"));
    switch (kind) {
    case TempKind::RegularFile:
        QVERIFY(writeFile(tmp, "not a directory"));
        break;
    case TempKind::Missing:
        tmp = scratch.filePath(QStringLiteral("no/such/dir"));
        break;
    case TempKind::ReadOnly:
        QVERIFY(QDir().mkpath(tmp));
        QVERIFY(setMode(tmp, 0500));
        break;
    }
    const auto restoreMode = qScopeGuard([&] { setMode(tmp, 0700); });

    QHotLibrary lib(file.path());
    bool loaded = false;
    {
        TempDirOverride override(tmp);
        loaded = lib.load();
    }
    const QString error = lib.errorString();
    qInfo().noquote() << "error:" << error;
    // QDir::tempPath() is "" for a TMPDIR that does not exist: the message
    // must still name it (and nothing may go to the root directory instead).
    QVERIFY2(!loaded && error.contains(QDir::toNativeSeparators(tmp)), qPrintable(error));
    QVERIFY2(error.startsWith(file.nativePath() + QLatin1Char(' ')), qPrintable(error));
    QVERIFY2(error.contains(QLatin1String("cannot be copied")), qPrintable(error));
    QVERIFY2(error.contains(QLatin1String("private directory")), qPrintable(error));
    QVERIFY(!lib.isLoaded());
    QCOMPARE(lib.version(), 0);
    QCOMPARE(readFile(file.path()), before); // nothing lost

    // The temporary directory is back: the same file loads.
    QVERIFY2(lib.load(), qPrintable(lib.errorString()));
    QCOMPARE(lib.call(QStringLiteral("torture::answer")).toInt(), 1);
}

// A temporary-file cleaner removes the private directory while the application
// runs: the running version is mapped and keeps working; the next version
// goes into a new private directory, made as safely as the first (0700, with
// its lock file), without a failure.
void tst_TortureBadInput::privateDirRemovedWhileRunning()
{
    WatchedLibrary file(fixture(QHOT_TORTURE_V1));
    QVERIFY(file.isValid());
    TortureModule m(file.path8());
    QVERIFY2(m.module.load(), qPrintable(m.module.errorString()));
    QHotLibrary *lib = m.library();
    QSignalSpy failed(lib, &QHotLibrary::reloadFailed);
    torture::State app{0};
    m.step(app);

    const QString privateDir = QFileInfo(lib->loadedFileName()).absolutePath();
    QVERIFY(QDir(privateDir).removeRecursively());
    QCOMPARE(m.answer(), 1); // mapped: the code is still there

    QVERIFY(writeRenameOver(file.path(), readFile(fixture(QHOT_TORTURE_V2))));
    QTRY_VERIFY_WITH_TIMEOUT(lib->version() == 2 || failed.count() > 0, Timeout);
    QVERIFY2(failed.isEmpty(), qPrintable(failed.isEmpty() ? QString() : failed.first().first().toString()));
    QCOMPARE(lib->version(), 2);
    QCOMPARE(m.answer(), 2);
    QCOMPARE(m.steps(), 1); // the library's state crossed to v2
    QCOMPARE(app.counter, 1);

    const QString newDir = QFileInfo(lib->loadedFileName()).absolutePath();
    QVERIFY2(newDir != privateDir, qPrintable(newDir));
    QVERIFY(QFileInfo(newDir).fileName().startsWith(QStringLiteral("qhotreload-")));
    QVERIFY(QFileInfo::exists(newDir + QStringLiteral("/.lock")));
#if defined(Q_OS_UNIX)
    QCOMPARE(modeOf(newDir), 0700);
#endif
    QVERIFY(!QFileInfo::exists(privateDir)); // the old path is not made again
}

// The disk holding the private directory is full (simulated with a file size
// limit, which refuses writes to any regular file, root or not): the copy
// fails, the reason says so, nothing half-written is left, the old version
// and its state are untouched; once there is room, the version can be taken.
void tst_TortureBadInput::privateCopyCannotBeWritten()
{
#if !defined(Q_OS_UNIX)
    QSKIP("simulated with RLIMIT_FSIZE, a POSIX limit");
#else
    WatchedLibrary file(fixture(QHOT_TORTURE_V1));
    QVERIFY(file.isValid());
    TortureModule m(file.path8());
    QVERIFY2(m.module.load(), qPrintable(m.module.errorString()));
    QHotLibrary *lib = m.library();
    QSignalSpy failed(lib, &QHotLibrary::reloadFailed);
    torture::State app{0};
    for (int i = 0; i < 3; ++i)
        m.step(app);
    const QString privateDir = QFileInfo(lib->loadedFileName()).absolutePath();
    const QStringList copiesBefore = QDir(privateDir).entryList(QDir::Files);

    // The new version is on disk before the limit: only the copy is refused.
    const QByteArray v2 = readFile(fixture(QHOT_TORTURE_V2));
    QVERIFY(v2.size() > 4096);
    QVERIFY(writeRenameOver(file.path(), v2));
    copyRetries.store(0);
    QLoggingCategory::setFilterRules(QStringLiteral("qhotreload.loader.debug=true"));
    testHandler = qInstallMessageHandler(countCopyRetries);
    const auto restoreHandler = qScopeGuard([] {
        qInstallMessageHandler(testHandler);
        QLoggingCategory::setFilterRules(QString());
    });
    struct rlimit was;
    QCOMPARE(::getrlimit(RLIMIT_FSIZE, &was), 0);
    const auto oldHandler = ::signal(SIGXFSZ, SIG_IGN); // write() fails with EFBIG instead
    bool limited = false;
    const auto lift = [&] {
        if (limited)
            ::setrlimit(RLIMIT_FSIZE, &was);
        ::signal(SIGXFSZ, oldHandler);
        limited = false;
    };
    const auto restore = qScopeGuard(lift);
    {
        struct rlimit tiny = was;
        tiny.rlim_cur = 4096;
        QCOMPARE(::setrlimit(RLIMIT_FSIZE, &tiny), 0);
        limited = true;
    }

    QTRY_COMPARE_WITH_TIMEOUT(failed.count(), 1, Timeout);
    const QString reason = failed.first().first().toString();
    qInfo().noquote() << "reason:" << reason;
    QVERIFY2(reason.startsWith(file.nativePath() + QLatin1Char(' ')), qPrintable(reason));
    QVERIFY2(reason.contains(QLatin1String("cannot be copied")), qPrintable(reason));
    QVERIFY2(reason.contains(QLatin1String("cannot write the private copy")), qPrintable(reason));
    // Says what happened: how much was written, and why no more.
    QVERIFY2(reason.contains(QStringLiteral("wrote 4096 of %1 bytes: ").arg(v2.size())), qPrintable(reason));
    QVERIFY2(!reason.contains(QLatin1String("Unknown error")), qPrintable(reason));
    QCOMPARE(lib->version(), 1);
    QCOMPARE(m.answer(), 1);
    QCOMPARE(m.steps(), 3);
    QCOMPARE(app.counter, 3);
    QCOMPARE(QDir(privateDir).entryList(QDir::Files), copiesBefore); // no half-written copy left

    // Not refused, tried again: on a timer that backs off (no busy loop) and
    // at each watcher event, without a second report.
    QTRY_VERIFY_WITH_TIMEOUT(copyRetries.load() >= 2, Timeout);
    QVERIFY2(copyRetries.load() < 10, qPrintable(QString::number(copyRetries.load())));
    const int retried = copyRetries.load();
    QVERIFY(touch(file.path()));
    QTRY_VERIFY_WITH_TIMEOUT(copyRetries.load() > retried, Timeout);
    QCOMPARE(failed.count(), 1);
    QCOMPARE(lib->version(), 1);
    QCOMPARE(m.answer(), 1);
    qInfo() << "copy attempts after the first while the disk was full:" << copyRetries.load();

    lift(); // there is room again

    // Nothing was wrong with the bytes: they are taken once they can be
    // copied, with no change to the file.
    QTRY_COMPARE_WITH_TIMEOUT(lib->version(), 2, Timeout);
    QCOMPARE(m.answer(), 2);
    QCOMPARE(m.steps(), 3);
    QCOMPARE(app.counter, 3);
    QCOMPARE(failed.count(), 1);
#endif
}

QTEST_GUILESS_MAIN(tst_TortureBadInput)
#include "tst_torture_badinput.moc"
