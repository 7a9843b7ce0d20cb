// SPDX-License-Identifier: MIT
// Files on disk as builds leave them: slow writers, the three linker styles,
// and the file or its directory deleted, renamed over or replaced by a symlink.
// At every reloaded() the private copy that was loaded must be one complete
// fixture, byte for byte; no write that ends in a good library may be reported
// as a failure.

#include "cpuload.h"
#include "torturetest.h"

#include <QtTest/QSignalSpy>
#include <QtTest/QTest>

#include <QtCore/QCoreApplication>
#include <QtCore/QProcess>
#include <QtCore/QThread>

#include <algorithm>
#include <atomic>
#include <cstring>
#include <cstdio>
#include <random>
#include <thread>
#include <vector>

#if defined(Q_OS_UNIX)
#include <sys/mman.h>
#include <sys/resource.h>
#endif

using namespace QHotTorture;

namespace {

/*!
    Watches one QHotLibrary: at each reloaded() reads the copy that was just
    loaded (before anything can replace it) and counts those that are not one of
    the complete fixtures: a torn load.
*/
class TornLoadProbe : public QObject
{
public:
    TornLoadProbe(QHotLibrary *lib, const QList<QByteArray> &complete) : m_lib(lib), m_complete(complete)
    {
        connect(lib, &QHotLibrary::reloaded, this, [this] {
            ++reloads;
            const QByteArray copy = readFile(m_lib->loadedFileName());
            if (!m_complete.contains(copy)) {
                ++torn;
                if (tornSizes.size() < 10)
                    tornSizes.append(copy.size());
            }
        });
    }
    int reloads = 0;
    int torn = 0;
    QList<qsizetype> tornSizes;

private:
    QHotLibrary *m_lib;
    QList<QByteArray> m_complete;
};

//! Where the quiet-period rule is forced (tst_torture_writers_quiet_rule):
//! every reload waits for it, so fewer rounds make the same point.
bool quietRule()
{
    return qgetenv("QHOTRELOAD_READINESS") == "quiet";
}

int rounds(int kernelRule)
{
    return quietRule() ? kernelRule / 5 : kernelRule;
}

int answerOf(QHotLibrary &lib)
{
    return lib.call(QStringLiteral("torture::answer")).toInt();
}

//! Spinning threads beside a test, as many as the machine has cores (at
//! least two): the writers and the library are descheduled at any moment.
int busyThreads()
{
    return qMax(2, QThread::idealThreadCount());
}

//! The pieces of \a size bytes in \a count parts, in an order of \a seed's choosing.
QList<QPair<qsizetype, qsizetype>> shuffledPieces(qsizetype size, int count, int seed)
{
    QList<QPair<qsizetype, qsizetype>> pieces;
    const qsizetype step = (size + count - 1) / count;
    for (qsizetype at = 0; at < size; at += step)
        pieces.append({at, qMin(step, size - at)});
    std::shuffle(pieces.begin(), pieces.end(), std::mt19937(uint(seed)));
    return pieces;
}

/*!
    As a parallel linker: the output created at its final size (zeros), then
    filled in 8 pieces in random order, 0-3 ms apart, through write() or
    through a shared writable mapping (gold's way: no change event at all for
    the writes). A file missing a piece of code or data looks complete.
*/
bool writeShuffled(const QString &path, const QByteArray &bytes, int round, bool mapped)
{
    if (QFileInfo::exists(path) && !QFile::remove(path))
        return false;
    QFile file(path);
    if (!file.open(QIODevice::ReadWrite | QIODevice::NewOnly) || !file.resize(bytes.size()))
        return false;
    // The mapping is made here, not by QFile::map: ThreadSanitizer ignores
    // what Qt calls (.ci/tsan.supp), so it would not learn of the unmapping
    // and would take this thread's writes for the library later loaded at
    // the same address.
    uchar *map = nullptr;
#if defined(__SANITIZE_THREAD__)
    // ld.so later maps a version where this mapping was, by its own mmap that
    // TSan does not see; TSan would take the loader's first read for a race
    // with this thread's writes. The other presets keep the mapped writer.
    mapped = false;
#endif
    if (mapped) {
#if defined(Q_OS_UNIX)
        void *got = ::mmap(nullptr, size_t(bytes.size()), PROT_READ | PROT_WRITE, MAP_SHARED, file.handle(), 0);
        map = got == MAP_FAILED ? nullptr : static_cast<uchar *>(got);
#else
        map = file.map(0, bytes.size());
#endif
        if (!map)
            return false;
    }
    int piece = 0;
    for (const auto &[from, length] : shuffledPieces(bytes.size(), 8, round)) {
        if (piece++ > 0)
            pause((round + piece) % 4);
        if (map) {
            std::memcpy(map + from, bytes.constData() + from, size_t(length));
        } else if (!file.seek(from) || file.write(bytes.constData() + from, length) != length || !file.flush()) {
            return false;
        }
    }
#if defined(Q_OS_UNIX)
    return !map || ::munmap(map, size_t(bytes.size())) == 0;
#else
    return !map || file.unmap(map);
#endif
}

enum class Style { InPlace, AfterUnlink, Ld, GoldHeadFirst, GoldTailFirst, Lld, Shuffled, Mapped };

bool writeAs(Style style, const QString &path, const QByteArray &bytes, int round)
{
    switch (style) {
    case Style::InPlace:
        return writeInPlace(path, bytes, 10, [round](int chunk) { return variedPause(round, chunk); });
    case Style::AfterUnlink:
        return writeLikeLd(path, bytes, 10, [round](int chunk) { return variedPause(round, chunk); });
    case Style::Ld:
        // ld writes its output front to back in a few large writes.
        return writeLikeLd(path, bytes, 4, [round](int chunk) { return 1 + (round + chunk) % 3; });
    case Style::GoldHeadFirst:
        return writeLikeGold(path, bytes, 1 + round % 4, GoldOrder::HeadFirst);
    case Style::GoldTailFirst:
        return writeLikeGold(path, bytes, 1 + round % 4, GoldOrder::TailFirst);
    case Style::Lld:
        return writeRenameOver(path, bytes);
    case Style::Shuffled:
        return writeShuffled(path, bytes, round, false);
    case Style::Mapped:
        return writeShuffled(path, bytes, round, true);
    }
    return false;
}

/*!
    v1 live from a watched libtorture.so, with a torn-load probe on it and the
    machine kept busy while the scene lasts. ready() says whether it was set up.
*/
struct BusyScene
{
    const QByteArray v1 = readFile(fixture(QHOT_TORTURE_V1));
    const QByteArray v2 = readFile(fixture(QHOT_TORTURE_V2));
    WatchedLibrary file{fixture(QHOT_TORTURE_V1)};
    QHotLibrary lib{file.path()};
    const bool loaded = file.isValid() && lib.load();
    QSignalSpy failed{&lib, &QHotLibrary::reloadFailed};
    TornLoadProbe probe{&lib, {v1, v2}};
    QHotTestSupport::CpuLoad load{busyThreads()};

    bool ready() const { return !v1.isEmpty() && !v2.isEmpty() && v1 != v2 && loaded; }
};

//! Replaces the library \a rounds times, v2 and v1 in turn, each written by \a style.
void replaceManyTimes(Style style, int rounds)
{
    BusyScene scene;
    QVERIFY2(scene.ready(), qPrintable(scene.lib.errorString()));
    const QByteArray &v1 = scene.v1;
    const QByteArray &v2 = scene.v2;
    const WatchedLibrary &file = scene.file;
    QHotLibrary &lib = scene.lib;
    const QSignalSpy &failed = scene.failed;
    const TornLoadProbe &probe = scene.probe;

    for (int round = 0; round < rounds; ++round) {
        const bool toV2 = round % 2 == 0;
        {
            BackgroundWriter writer([&] { return writeAs(style, file.path(), toV2 ? v2 : v1, round); });
            // Only the complete file can make the version grow (anything
            // earlier would be a torn load, which the probe counts).
            QVERIFY2(waitForVersion(lib, round + 2),
                     qPrintable(QStringLiteral("write %1: still version %2; %3").arg(round).arg(lib.version()).arg(firstReason(failed))));
            QVERIFY(waitUntil([&] { return writer.isDone(); }));
            QVERIFY2(writer.succeeded(), qPrintable(QStringLiteral("write %1 failed").arg(round)));
        }
        QVERIFY2(probe.torn == 0, qPrintable(QStringLiteral("write %1: %2 torn load(s), of %3 bytes")
                                                       .arg(round).arg(probe.torn).arg(probe.tornSizes.value(0))));
        QCOMPARE(answerOf(lib), toV2 ? 2 : 1);
        QVERIFY2(failed.isEmpty(), qPrintable(firstReason(failed)));
    }
    qInfo("%d writes, %d reloads, %d torn loads, %lld failures", rounds, probe.reloads, probe.torn,
          qlonglong(failed.count()));
    QCOMPARE(probe.torn, 0);
    QCOMPARE(probe.reloads, rounds);
    QCOMPARE(failed.count(), 0);
    // The final version is live and stays so: the last write was v1.
    QCOMPARE(answerOf(lib), rounds % 2 == 0 ? 1 : 2);
}

/*!
    As gold or mold can leave a file half-way: the output sized with zeros,
    then the ELF header, program headers, section header table and the
    sections that name and tag things (string tables, notes) filled in first,
    the code and data last. The byte ranges that fill in the tables come
    first, \a pauseMs later the rest. 64-bit little-endian ELF only.
*/
bool writeTablesFirst(const QString &path, const QByteArray &bytes, int pauseMs)
{
    const auto u16 = [&](qsizetype at) { return quint16(quint8(bytes[at]) | quint8(bytes[at + 1]) << 8); };
    const auto u32 = [&](qsizetype at) { return quint32(u16(at)) | quint32(u16(at + 2)) << 16; };
    const auto u64 = [&](qsizetype at) { return quint64(u32(at)) | quint64(u32(at + 4)) << 32; };
    if (bytes.size() < 64 || bytes[4] != 2 || bytes[5] != 1)
        return false;
    QList<QPair<qsizetype, qsizetype>> tables{{0, 64}};
    const qsizetype phoff = qsizetype(u64(32)), shoff = qsizetype(u64(40));
    tables.append({phoff, qsizetype(u16(54)) * u16(56)});
    tables.append({shoff, qsizetype(u16(58)) * u16(60)});
    for (int i = 1; i < u16(60); ++i) {
        const qsizetype sh = shoff + qsizetype(i) * u16(58);
        const quint32 type = u32(sh + 4);
        if (type == 3 /* SHT_STRTAB */ || type == 7 /* SHT_NOTE */)
            tables.append({qsizetype(u64(sh + 24)), qsizetype(u64(sh + 32))});
    }
    if (QFileInfo::exists(path) && !QFile::remove(path))
        return false;
    QFile file(path);
    if (!file.open(QIODevice::ReadWrite | QIODevice::NewOnly) || !file.resize(bytes.size()))
        return false;
    QByteArray rest = bytes; // what is left to write: everything but the tables
    for (const auto &[from, length] : std::as_const(tables)) {
        if (!file.seek(from) || file.write(bytes.mid(from, length)) != length || !file.flush())
            return false;
        rest.replace(from, length, QByteArray(length, '\0'));
    }
    pause(pauseMs);
    for (qsizetype at = 0; at < bytes.size(); at += 4096) {
        const qsizetype length = qMin<qsizetype>(4096, bytes.size() - at);
        if (rest.mid(at, length) == QByteArray(length, '\0'))
            continue; // zeros in the file already, or a table written above
        if (!file.seek(at) || file.write(bytes.mid(at, length)) != length || !file.flush())
            return false;
    }
    return true;
}

} // namespace

Q_DECLARE_METATYPE(Style)

class tst_TortureWriters : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void slowWriters_data();
    void slowWriters();
    void linkers_data();
    void linkers();
    void replaced_data();
    void replaced();
    void tablesBeforeContents();
    void stalledWriter();
};

void tst_TortureWriters::initTestCase()
{
#if defined(Q_OS_UNIX)
    // Files these tests create must not be writable by others (which the
    // library refuses), whatever umask the test runs with.
    ::umask(022);
#endif
}

void tst_TortureWriters::slowWriters_data()
{
    QTest::addColumn<Style>("style");
    QTest::newRow("in place, truncated first") << Style::InPlace;
    QTest::newRow("after unlink") << Style::AfterUnlink;
}

// 10 chunks with 2..20 ms between them, 200 times: every intermediate state is
// looked at (the watcher reports each chunk) and none may be loaded or reported.
void tst_TortureWriters::slowWriters()
{
    QFETCH(Style, style);
    replaceManyTimes(style, rounds(200));
}

void tst_TortureWriters::linkers_data()
{
    QTest::addColumn<Style>("style");
    QTest::newRow("ld: unlink, sequential writes") << Style::Ld;
    QTest::newRow("gold: final size, then head first") << Style::GoldHeadFirst;
    QTest::newRow("gold: final size, then tail first") << Style::GoldTailFirst;
    QTest::newRow("lld: temporary file renamed over") << Style::Lld;
    QTest::newRow("parallel: final size, 8 pieces in random order") << Style::Shuffled;
    QTest::newRow("mmap: final size, 8 pieces in random order through a mapping") << Style::Mapped;
}

void tst_TortureWriters::linkers()
{
    QFETCH(Style, style);
    replaceManyTimes(style, rounds(100));
}

// --- Replaced in other ways --------------------------------------------------------

namespace {

struct Scene
{
    QString root;      // the temporary directory
    QString path;      // the watched file, root/out/lib/libtorture.so
    QString elsewhere; // a directory outside out/ for symlink targets
};

using Replace = std::function<bool(const Scene &, const QByteArray &v2)>;

} // namespace

Q_DECLARE_METATYPE(Replace)

void tst_TortureWriters::replaced_data()
{
    QTest::addColumn<Replace>("replace");
    QTest::addColumn<bool>("symlinkTarget"); // the next version is written through the symlink's target

    const auto dirOf = [](const Scene &s) { return QFileInfo(s.path).absolutePath(); };

    QTest::newRow("deleted, then created again") << Replace([](const Scene &s, const QByteArray &v2) {
        if (!QFile::remove(s.path))
            return false;
        pause(30); // the build between the clean and the link
        QFile file(s.path);
        return file.open(QIODevice::WriteOnly | QIODevice::NewOnly) && file.write(v2) == v2.size();
    }) << false;
    QTest::newRow("renamed over") << Replace([](const Scene &s, const QByteArray &v2) {
        const QString staged = s.path + QStringLiteral(".tmp");
        return writeFile(staged, v2) && ::rename(QFile::encodeName(staged).constData(),
                                                 QFile::encodeName(s.path).constData()) == 0;
    }) << false;
    QTest::newRow("directory removed and recreated at once") << Replace([dirOf](const Scene &s, const QByteArray &v2) {
        return QDir(dirOf(s)).removeRecursively() && QDir().mkpath(dirOf(s)) && writeLikeLd(s.path, v2);
    }) << false;
    QTest::newRow("directory removed, recreated later") << Replace([dirOf](const Scene &s, const QByteArray &v2) {
        if (!QDir(dirOf(s)).removeRecursively())
            return false;
        pause(100); // a clean build: the directory is gone for a while
        if (!QDir().mkpath(dirOf(s)))
            return false;
        pause(20);
        return writeLikeLd(s.path, v2, 4, [](int) { return 3; });
    }) << false;
    QTest::newRow("two levels removed, recreated later") << Replace([dirOf](const Scene &s, const QByteArray &v2) {
        // out/ was removed by the test's thread before (see replaced()).
        pause(100);
        if (!QDir().mkpath(dirOf(s)))
            return false;
        pause(20);
        return writeLikeLd(s.path, v2);
    }) << false;
    QTest::newRow("replaced by a symlink") << Replace([](const Scene &s, const QByteArray &v2) {
        const QString target = QDir(s.elsewhere).filePath(QStringLiteral("libtorture-v2.so"));
        return writeFile(target, v2) && QFile::remove(s.path) && QFile::link(target, s.path);
    }) << false;
    QTest::newRow("replaced by a symlink, target rewritten") << Replace([](const Scene &s, const QByteArray &v2) {
        const QString target = QDir(s.elsewhere).filePath(QStringLiteral("libtorture-v2.so"));
        return writeFile(target, v2) && QFile::remove(s.path) && QFile::link(target, s.path);
    }) << true;
}

// After each replacement the library must have taken v2 and must still be
// watching: v3 written next (over the path, or into the symlink's target) is
// taken too. Nothing is reported as a failure on the way.
void tst_TortureWriters::replaced()
{
    QFETCH(Replace, replace);
    QFETCH(bool, symlinkTarget);

    WatchedLibrary file(fixture(QHOT_TORTURE_V1), QStringLiteral("out/lib"));
    QVERIFY(file.isValid());
    Scene scene{file.root(), file.path(), QDir(file.root()).filePath(QStringLiteral("elsewhere"))};
    QVERIFY(QDir().mkpath(scene.elsewhere));
    const QByteArray v2 = readFile(fixture(QHOT_TORTURE_V2));
    const QByteArray v3 = readFile(fixture(QHOT_TORTURE_V3));

    QHotLibrary lib(file.path());
    QVERIFY2(lib.load(), qPrintable(lib.errorString()));
    QSignalSpy failed(&lib, &QHotLibrary::reloadFailed);
    QCOMPARE(answerOf(lib), 1);

    if (QByteArray(QTest::currentDataTag()).startsWith("two levels")) {
        // Both levels gone before the library looks: it must walk up past
        // the two of them to a directory that exists.
        WatcherEvents events;
        QVERIFY(QDir(QDir(scene.root).filePath(QStringLiteral("out"))).removeRecursively());
        QVERIFY(waitUntil([&] { return events.count() > 0 && settled(lib); }));
    }
    {
        BackgroundWriter writer([&] { return replace(scene, v2); });
        QTRY_VERIFY_WITH_TIMEOUT(writer.isDone(), Timeout);
        QVERIFY(writer.succeeded());
    }
    QVERIFY(waitForVersion(lib, 2));
    QCOMPARE(answerOf(lib), 2);

    if (symlinkTarget) {
        // The watch on a symlink follows it to its target.
        const QString target = QFileInfo(file.path()).symLinkTarget();
        QVERIFY(!target.isEmpty());
        QVERIFY(writeInPlace(target, v3));
    } else {
        QVERIFY(writeLikeLd(file.path(), v3));
    }
    QVERIFY(waitForVersion(lib, 3));
    QCOMPARE(answerOf(lib), 3);
    QCOMPARE(readFile(lib.loadedFileName()), v3);
    QVERIFY2(failed.isEmpty(), qPrintable(firstReason(failed)));
}

// The file's tables are complete while its code and data are still zeros,
// for a moment a library looking at the file will certainly see: it must not
// take it. (The same state, for a shorter moment, is what a slow machine can
// catch in the gold rows of linkers() when a read overlaps a write.) Run in a
// child process: this binary with --tables-first, as loading such a file may
// end the process inside the dynamic loader.
namespace {
int runTablesFirstChild(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
#if defined(Q_OS_UNIX)
    struct rlimit noCore = {0, 0};
    ::setrlimit(RLIMIT_CORE, &noCore);
#endif
    ::umask(022);
    const QByteArray v1 = readFile(fixture(QHOT_TORTURE_V1));
    const QByteArray v2 = readFile(fixture(QHOT_TORTURE_V2));
    WatchedLibrary file(fixture(QHOT_TORTURE_V1));
    QHotLibrary lib(file.path());
    if (!file.isValid() || !lib.load())
        return 2;
    TornLoadProbe probe(&lib, {v1, v2});
    {
        BackgroundWriter writer([&] { return writeTablesFirst(file.path(), v2, 300); });
        if (!waitUntil([&] { return writer.isDone(); }) || !writer.succeeded())
            return 3;
    }
    if (!waitUntil([&] { return readFile(lib.loadedFileName()) == v2; }))
        return 4;
    std::printf("reloads=%d torn=%d\n", probe.reloads, probe.torn);
    return 0;
}
} // namespace

void tst_TortureWriters::tablesBeforeContents()
{
    QProcess child;
    child.start(QCoreApplication::applicationFilePath(), {QStringLiteral("--tables-first")});
    QVERIFY2(child.waitForStarted(Timeout), qPrintable(child.errorString()));
    QVERIFY(child.waitForFinished(60000));
    const QByteArray out = child.readAllStandardOutput().trimmed();
    qInfo("child: %s, exit status %d, code %d", out.constData(), int(child.exitStatus()), child.exitCode());
    QVERIFY(child.exitStatus() == QProcess::NormalExit && child.exitCode() == 0 && out.endsWith("torn=0"));
}

namespace {
//! Where the code of a 64-bit little-endian ELF file is: its .text section's bytes.
QPair<qsizetype, qsizetype> textSection(const QByteArray &bytes)
{
    const auto u16 = [&](qsizetype at) { return quint16(quint8(bytes[at]) | quint8(bytes[at + 1]) << 8); };
    const auto u32 = [&](qsizetype at) { return quint32(u16(at)) | quint32(u16(at + 2)) << 16; };
    const auto u64 = [&](qsizetype at) { return quint64(u32(at)) | quint64(u32(at + 4)) << 32; };
    if (bytes.size() < 64 || bytes[4] != 2 || bytes[5] != 1)
        return {0, 0};
    const qsizetype shoff = qsizetype(u64(40));
    const qsizetype names = shoff + qsizetype(u16(62)) * u16(58); // the section-name string table's header
    const qsizetype namesAt = qsizetype(u64(names + 24));
    for (int i = 1; i < u16(60); ++i) {
        const qsizetype sh = shoff + qsizetype(i) * u16(58);
        if (qstrcmp(bytes.constData() + namesAt + u32(sh), ".text") == 0)
            return {qsizetype(u64(sh + 24)), qsizetype(u64(sh + 32))};
    }
    return {0, 0};
}
} // namespace

// A writer that has written everything but the library's code, then stalls
// for half a second without closing the file: every table is in place, so
// the bytes alone look complete. It must not be taken until the writer
// closes the file, and then at once. Only the kernel's word can tell: where
// the quiet-period rule is used (QHOTRELOAD_READINESS=quiet), a stall longer
// than the quiet period is the documented risk, so the row is skipped.
void tst_TortureWriters::stalledWriter()
{
    if (quietRule())
        QSKIP("the quiet-period rule cannot see a writer that stalls longer than the quiet period (README)");
    BusyScene scene;
    QVERIFY2(scene.ready(), qPrintable(scene.lib.errorString()));
    const QByteArray &v1 = scene.v1;
    const QByteArray &v2 = scene.v2;
    const WatchedLibrary &file = scene.file;
    QHotLibrary &lib = scene.lib;
    const QSignalSpy &failed = scene.failed;
    const TornLoadProbe &probe = scene.probe;
    const auto [textAt, textLength] = textSection(v2);
    QVERIFY2(textLength > 0, "the fixture has no .text section");

    for (int round = 0; round < 3; ++round) {
        std::atomic<bool> stalled{false};
        std::atomic<bool> resume{false};
        BackgroundWriter writer([&] {
            if (QFileInfo::exists(file.path()) && !QFile::remove(file.path()))
                return false;
            QFile out(file.path());
            QByteArray withoutCode = v2;
            withoutCode.replace(textAt, textLength, QByteArray(textLength, '\0'));
            if (!out.open(QIODevice::WriteOnly | QIODevice::NewOnly) || out.write(withoutCode) != withoutCode.size()
                || !out.flush()) {
                return false;
            }
            stalled = true;
            while (!resume.load())
                pause(1);
            return out.seek(textAt) && out.write(v2.constData() + textAt, textLength) == textLength && out.flush();
        });
        WatcherEvents events;
        QVERIFY(waitUntil([&] { return stalled.load() || writer.isDone(); }));
        QVERIFY(stalled.load());
        QVERIFY(waitUntil([&] { return events.count() > 0; })); // the writes were seen
        // Half a second of a complete-looking file that is still open: the
        // stall is the scenario, not a wait for something to happen.
        QTest::qWait(500);
        QCOMPARE(lib.version(), 2 * round + 1);
        QCOMPARE(probe.torn, 0);
        QVERIFY2(failed.isEmpty(), qPrintable(firstReason(failed)));
        resume = true;
        QVERIFY(waitUntil([&] { return writer.isDone(); }));
        QVERIFY(writer.succeeded());
        QVERIFY(waitForVersion(lib, 2 * round + 2));
        QCOMPARE(readFile(lib.loadedFileName()), v2);
        QCOMPARE(answerOf(lib), 2);
        // Back to v1 for the next round, written whole.
        QVERIFY(writeLikeLd(file.path(), v1));
        QVERIFY(waitForVersion(lib, 2 * round + 3));
        QCOMPARE(answerOf(lib), 1);
    }
    QCOMPARE(probe.torn, 0);
    QVERIFY2(failed.isEmpty(), qPrintable(firstReason(failed)));
}

int main(int argc, char **argv)
{
    if (argc >= 2 && qstrcmp(argv[1], "--tables-first") == 0)
        return runTablesFirstChild(argc, argv);
    QCoreApplication app(argc, argv);
    tst_TortureWriters test;
    QTEST_SET_MAIN_SOURCE_PATH
    return QTest::qExec(&test, argc, argv);
}

#include "tst_torture_writers.moc"
