// SPDX-License-Identifier: MIT
// The pure stages of the reload path, alone: Settle (when to look at the file
// again, when what was seen is final) with a clock that moves only when told,
// and the readiness judgement on bytes in memory, cut and spoiled the way a
// writer half-way through leaves them; what in a library's symbols keeps it
// mapped (pins). No file is watched, no timer runs.
#include "background_p.h"
#include "pins_p.h"
#include "readiness_p.h"
#include "settle_p.h"

#include <QtCore/QFile>
#include <QtTest/QTest>

#include <cstring>

using namespace QHotReload::Internal;
using Change = FileWatcher::Change;
using Step = Settle::Step;

namespace {

constexpr int QuietMs = 300;
constexpr int EmptyMs = 60000;

struct FakeClock
{
    qint64 now = 1000;
    Settle::Clock clock() { return [this] { return now; }; }
};

Settle::Look takeable(const char *identity)
{
    Settle::Look look;
    look.exists = true;
    look.identity = identity;
    look.takeable = true;
    return look;
}

Settle::Look notTakeable(const char *identity, const QString &reason, bool incomplete, bool empty = false)
{
    Settle::Look look;
    look.exists = true;
    look.identity = identity;
    look.reason = reason;
    look.incomplete = incomplete;
    look.empty = empty;
    return look;
}

const char *kindName(Step::Kind kind)
{
    switch (kind) {
    case Step::Wait: return "Wait";
    case Step::LookIn: return "LookIn";
    case Step::Take: return "Take";
    case Step::Refuse: return "Refuse";
    case Step::Keep: return "Keep";
    }
    return "?";
}

QByteArray readFixture(const char *path = QHOT_TEST_LIBRARY)
{
    QFile file(QString::fromLocal8Bit(path));
    if (!file.open(QIODevice::ReadOnly))
        return {};
    return file.readAll();
}

} // namespace

#define QCOMPARE_STEP(step, expectedKind)                                                          \
    QVERIFY2((step).kind == (expectedKind),                                                        \
             qPrintable(QStringLiteral("step is %1, expected %2")                                 \
                                .arg(QLatin1String(kindName((step).kind)),                        \
                                     QLatin1String(kindName(expectedKind)))))

class tst_Stages : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    // Settle where the kernel says when a writer is done.
    void kernelWaitsForTheClose();
    void kernelTakesWhatItsWriterClosed();
    void kernelLooksAgainJustAfterAClose();
    void knownBytesAreLeftAlone();
    void deletedFileWaitsForTheWatcher();
    // Settle where nothing says when a writer is done.
    void portableTakesAfterTheQuietPeriod();
    void portableChangeEventRestartsTheQuiet();
    void portableNewBytesRestartTheQuiet();
    void portableBacksOffItsPolls();
    void incompleteIsRefusedOnceSettled();
    void emptyFileGetsLonger();
    void invalidIsRefusedSoon();
    void changedBytesForgetTheCandidate();
    void copyFailuresBackOff();
    void resetForgetsCopyFailures();
    void besideChangesWakeOnlyAnOutsideRefusal();
    void outsideRefusalsBackOff();
    // Readiness on bytes in memory.
    void wholeLibraryIsReady();
    void everyCutIsNotReady();
    void zerosWhereTheLinkerHasNotWritten_data();
    void zerosWhereTheLinkerHasNotWritten();
    void notALibraryIsInvalid_data();
    void notALibraryIsInvalid();
    // What keeps a library mapped, from its dynamic symbols (src/core/pins.cpp).
    void pinsAreReadFromTheSymbols();
    void pinsOfCutBytesAreNone();

    // letGo (background.cpp)
    void letGoEmptiesItsOwnBuffer();
    void letGoLeavesASharedBufferIntact();
};

void tst_Stages::kernelWaitsForTheClose()
{
    FakeClock clock;
    Settle settle(clock.clock(), QuietMs, EmptyMs);
    settle.setKernel(true);
    // Bytes going in: nothing to look at until the writer closes.
    QCOMPARE_STEP(settle.changed(Change::Written), Step::Wait);
    const Step step = settle.changed(Change::Completed);
    QCOMPARE_STEP(step, Step::LookIn);
    QCOMPARE(step.delayMs, 0);
}

void tst_Stages::kernelTakesWhatItsWriterClosed()
{
    FakeClock clock;
    Settle settle(clock.clock(), QuietMs, EmptyMs);
    settle.setKernel(true);
    settle.changed(Change::Completed);
    // No quiet period: the close is the proof.
    QCOMPARE_STEP(settle.looked(takeable("v2")), Step::Take);
    // Not takeable bytes a writer closed are final too: taking them is what
    // reports why they are refused.
    settle.changed(Change::Completed);
    QCOMPARE_STEP(settle.looked(notTakeable("bad", QStringLiteral("is not a shared library"), false)),
                  Step::Take);
}

void tst_Stages::kernelLooksAgainJustAfterAClose()
{
    FakeClock clock;
    Settle settle(clock.clock(), QuietMs, EmptyMs);
    settle.setKernel(true);
    settle.changed(Change::Completed);
    Settle::Look open = takeable("v2");
    open.writerAtIt = true;
    // The close is reported before the writer's count drops: look again, soon.
    Step step = settle.looked(open);
    QCOMPARE_STEP(step, Step::LookIn);
    QVERIFY(step.delayMs <= Settle::FirstPollMs);
    clock.now += 10;
    step = settle.looked(open);
    QCOMPARE_STEP(step, Step::LookIn);
    QVERIFY(step.delayMs <= Settle::MaxPollMs);
    // Long after the close, a writer that has it open again will close again.
    clock.now += Settle::ClosingMs;
    QCOMPARE_STEP(settle.looked(open), Step::Wait);
    QCOMPARE_STEP(settle.changed(Change::Completed), Step::LookIn);
    QCOMPARE_STEP(settle.looked(takeable("v2")), Step::Take);
}

void tst_Stages::knownBytesAreLeftAlone()
{
    for (const bool kernel : {true, false}) {
        FakeClock clock;
        Settle settle(clock.clock(), QuietMs, EmptyMs);
        settle.setKernel(kernel);
        settle.changed(kernel ? Change::Completed : Change::Touched);
        Settle::Look look = takeable("running");
        look.known = true; // `touch`, or the bytes already running
        QCOMPARE_STEP(settle.looked(look), Step::Wait);
    }
}

void tst_Stages::deletedFileWaitsForTheWatcher()
{
    FakeClock clock;
    Settle settle(clock.clock(), QuietMs, EmptyMs);
    settle.changed(Change::Touched);
    const QString reason = QStringLiteral("is cut short");
    QCOMPARE_STEP(settle.looked(notTakeable("half", reason, true)), Step::LookIn);
    QCOMPARE_STEP(settle.looked(Settle::Look()), Step::Wait); // deleted: ld about to write anew
    // The candidate went with the file: the same bytes back start their settle time again.
    clock.now += Settle::IncompleteSettleMs;
    QCOMPARE_STEP(settle.looked(notTakeable("half", reason, true)), Step::LookIn);
}

void tst_Stages::portableTakesAfterTheQuietPeriod()
{
    FakeClock clock;
    Settle settle(clock.clock(), QuietMs, EmptyMs);
    QVERIFY(!settle.isKernel());
    QCOMPARE_STEP(settle.changed(Change::Touched), Step::LookIn);
    // Complete-looking is not proof: the writer may only be descheduled.
    Step step = settle.looked(takeable("v2"));
    QCOMPARE_STEP(step, Step::LookIn);
    QCOMPARE(step.delayMs, QuietMs);
    clock.now += QuietMs - 1;
    step = settle.looked(takeable("v2"));
    QCOMPARE_STEP(step, Step::LookIn);
    QCOMPARE(step.delayMs, 1);
    clock.now += 1;
    QCOMPARE_STEP(settle.looked(takeable("v2")), Step::Take);
}

void tst_Stages::portableChangeEventRestartsTheQuiet()
{
    FakeClock clock;
    Settle settle(clock.clock(), QuietMs, EmptyMs);
    settle.changed(Change::Touched);
    QCOMPARE_STEP(settle.looked(takeable("v2")), Step::LookIn);
    clock.now += QuietMs - 50;
    // The same bytes, but the file was touched again: its writer may be at it.
    QCOMPARE_STEP(settle.changed(Change::Touched), Step::LookIn);
    const Step step = settle.looked(takeable("v2"));
    QCOMPARE_STEP(step, Step::LookIn);
    QCOMPARE(step.delayMs, QuietMs);
    clock.now += QuietMs;
    QCOMPARE_STEP(settle.looked(takeable("v2")), Step::Take);
}

void tst_Stages::portableNewBytesRestartTheQuiet()
{
    FakeClock clock;
    Settle settle(clock.clock(), QuietMs, EmptyMs);
    settle.changed(Change::Touched);
    QCOMPARE_STEP(settle.looked(takeable("v2-part")), Step::LookIn);
    clock.now += QuietMs;
    // Other bytes than last time: the quiet period starts again for them.
    const Step step = settle.looked(takeable("v2"));
    QCOMPARE_STEP(step, Step::LookIn);
    QVERIFY(step.delayMs > 0);
    clock.now += QuietMs;
    QCOMPARE_STEP(settle.looked(takeable("v2")), Step::Take);
}

void tst_Stages::portableBacksOffItsPolls()
{
    FakeClock clock;
    Settle settle(clock.clock(), QuietMs, EmptyMs);
    settle.changed(Change::Touched);
    Settle::Look open = takeable("v2");
    open.writerAtIt = true;
    // Polls double from the first delay up to the most, and stay there.
    int previous = -1;
    for (int i = 0; i < 12; ++i) {
        const Step step = settle.looked(open);
        QCOMPARE_STEP(step, Step::LookIn);
        QVERIFY2(step.delayMs >= previous, "a poll comes no sooner than the one before");
        QVERIFY(step.delayMs <= Settle::MaxPollMs);
        previous = step.delayMs;
        clock.now += step.delayMs;
    }
    QCOMPARE(previous, Settle::MaxPollMs);
    // A change event brings the next look forward again.
    QCOMPARE_STEP(settle.changed(Change::Touched), Step::LookIn);
    const Step step = settle.looked(open);
    QCOMPARE(step.delayMs, Settle::FirstPollMs);
}

void tst_Stages::incompleteIsRefusedOnceSettled()
{
    FakeClock clock;
    Settle settle(clock.clock(), QuietMs, EmptyMs);
    settle.changed(Change::Touched);
    const QString reason = QStringLiteral("is cut short: its section table ends at byte 9000 of 4096");
    QCOMPARE_STEP(settle.looked(notTakeable("cut", reason, true)), Step::LookIn);
    clock.now += Settle::IncompleteSettleMs - 1;
    QCOMPARE_STEP(settle.looked(notTakeable("cut", reason, true)), Step::LookIn);
    clock.now += 1;
    const Step step = settle.looked(notTakeable("cut", reason, true));
    QCOMPARE_STEP(step, Step::Refuse);
    QCOMPARE(step.reason, reason);
}

void tst_Stages::emptyFileGetsLonger()
{
    FakeClock clock;
    Settle settle(clock.clock(), QuietMs, EmptyMs);
    settle.changed(Change::Touched);
    // GNU ld creates its output empty and writes it at the end.
    const QString reason = QStringLiteral("is empty");
    QCOMPARE_STEP(settle.looked(notTakeable("empty", reason, true, true)), Step::LookIn);
    clock.now += Settle::IncompleteSettleMs;
    QCOMPARE_STEP(settle.looked(notTakeable("empty", reason, true, true)), Step::LookIn);
    clock.now += EmptyMs - Settle::IncompleteSettleMs;
    const Step step = settle.looked(notTakeable("empty", reason, true, true));
    QCOMPARE_STEP(step, Step::Refuse);
    QCOMPARE(step.reason, reason);
}

void tst_Stages::invalidIsRefusedSoon()
{
    FakeClock clock;
    Settle settle(clock.clock(), QuietMs, EmptyMs);
    settle.changed(Change::Touched);
    const QString reason = QStringLiteral("is not a shared library");
    QCOMPARE_STEP(settle.looked(notTakeable("text", reason, false)), Step::LookIn);
    clock.now += Settle::RefusedSettleMs;
    const Step step = settle.looked(notTakeable("text", reason, false));
    QCOMPARE_STEP(step, Step::Refuse);
    QCOMPARE(step.reason, reason);
    // Reported once: the same bytes again start over, they are not refused twice in a row.
    QCOMPARE_STEP(settle.looked(notTakeable("text", reason, false)), Step::LookIn);
}

void tst_Stages::changedBytesForgetTheCandidate()
{
    FakeClock clock;
    Settle settle(clock.clock(), QuietMs, EmptyMs);
    settle.changed(Change::Touched);
    QCOMPARE_STEP(settle.looked(notTakeable("cut-1", QStringLiteral("is cut short"), true)), Step::LookIn);
    clock.now += Settle::IncompleteSettleMs - 10;
    // The writer moved on: other bytes, their own settle time.
    QCOMPARE_STEP(settle.looked(notTakeable("cut-2", QStringLiteral("is cut short"), true)), Step::LookIn);
    clock.now += 10;
    QCOMPARE_STEP(settle.looked(notTakeable("cut-2", QStringLiteral("is cut short"), true)), Step::LookIn);
    clock.now += Settle::IncompleteSettleMs;
    QCOMPARE_STEP(settle.looked(notTakeable("cut-2", QStringLiteral("is cut short"), true)), Step::Refuse);
}

void tst_Stages::copyFailuresBackOff()
{
    FakeClock clock;
    Settle settle(clock.clock(), QuietMs, EmptyMs);
    bool first = false;
    Step step = settle.copyFailed("v2", &first);
    QCOMPARE_STEP(step, Step::LookIn);
    QCOMPARE(step.delayMs, Settle::FirstCopyRetryMs);
    QVERIFY2(first, "the first failure of these bytes is the one to report");
    int previous = step.delayMs;
    for (int i = 0; i < 10; ++i) {
        step = settle.copyFailed("v2", &first);
        QVERIFY(!first);
        QCOMPARE(step.delayMs, qMin(Settle::MaxCopyRetryMs, previous * 2));
        previous = step.delayMs;
    }
    QCOMPARE(previous, Settle::MaxCopyRetryMs);
    // Other bytes are a new failure, reported and retried soon.
    step = settle.copyFailed("v3", &first);
    QVERIFY(first);
    QCOMPARE(step.delayMs, Settle::FirstCopyRetryMs);
}

void tst_Stages::resetForgetsCopyFailures()
{
    FakeClock clock;
    Settle settle(clock.clock(), QuietMs, EmptyMs);
    bool first = false;
    settle.copyFailed("v2", &first);
    settle.copyFailed("v2", &first);
    settle.reset();
    const Step step = settle.copyFailed("v2", &first);
    QVERIFY(first);
    QCOMPARE(step.delayMs, Settle::FirstCopyRetryMs);
}

void tst_Stages::besideChangesWakeOnlyAnOutsideRefusal()
{
    FakeClock clock;
    Settle settle(clock.clock(), QuietMs, EmptyMs);
    settle.setKernel(true);
    // A busy build directory: nothing waits on it, no look (and a look
    // planned for the file itself stays planned).
    QCOMPARE_STEP(settle.changed(Change::Beside), Step::Keep);
    // Bytes refused for a cause outside them: a change beside the file
    // plans a look, a little later, so a burst of changes makes one.
    QVERIFY2(!settle.refusedOutside("v2"), "the first refusal of these bytes is the one to report");
    Step step = settle.changed(Change::Beside);
    QCOMPARE_STEP(step, Step::LookIn);
    QCOMPARE(step.delayMs, Settle::FirstOutsideRetryMs);
    // Taken (or refused for good): the directory is left alone again.
    settle.retryDone();
    QCOMPARE_STEP(settle.changed(Change::Beside), Step::Keep);
    settle.refusedOutside("v2");
    settle.reset();
    QCOMPARE_STEP(settle.changed(Change::Beside), Step::Keep);
}

void tst_Stages::outsideRefusalsBackOff()
{
    FakeClock clock;
    Settle settle(clock.clock(), QuietMs, EmptyMs);
    settle.refusedOutside("v2");
    int previous = Settle::FirstOutsideRetryMs;
    for (int i = 0; i < 10; ++i) {
        QVERIFY(settle.refusedOutside("v2"));
        const Step step = settle.changed(Change::Beside);
        QCOMPARE(step.delayMs, qMin(Settle::MaxOutsideRetryMs, previous * 2));
        previous = step.delayMs;
    }
    QCOMPARE(previous, Settle::MaxOutsideRetryMs);
    // Other bytes start over.
    QVERIFY(!settle.refusedOutside("v3"));
    QCOMPARE(settle.changed(Change::Beside).delayMs, Settle::FirstOutsideRetryMs);
}

void tst_Stages::wholeLibraryIsReady()
{
    const QByteArray bytes = readFixture();
    QVERIFY2(bytes.size() > 1024, "the fixture library could not be read");
    const Readiness readiness = checkReadiness(bytes);
    QVERIFY2(readiness.state == Readiness::Ready, qPrintable(readiness.reason));
}

void tst_Stages::everyCutIsNotReady()
{
    const QByteArray bytes = readFixture();
    QVERIFY(bytes.size() > 1024);
    // A linker that writes front to back, stopped anywhere: the first 256
    // lengths, every 61st after that, and the last 256.
    QList<qsizetype> cuts;
    for (qsizetype n = 0; n < 256; ++n)
        cuts.append(n);
    for (qsizetype n = 256; n < bytes.size() - 256; n += 61)
        cuts.append(n);
    for (qsizetype n = bytes.size() - 256; n < bytes.size(); ++n)
        cuts.append(n);
    for (const qsizetype n : cuts) {
        const Readiness readiness = checkReadiness(QByteArrayView(bytes.constData(), n));
        QVERIFY2(readiness.state == Readiness::Incomplete,
                 qPrintable(QStringLiteral("the first %1 of %2 bytes: %3")
                                    .arg(n)
                                    .arg(bytes.size())
                                    .arg(readiness.state == Readiness::Ready ? QStringLiteral("ready")
                                                                             : readiness.reason)));
        QVERIFY(!readiness.reason.isEmpty());
    }
}

void tst_Stages::zerosWhereTheLinkerHasNotWritten_data()
{
    // gold and mold size the file first and fill it in any order: zeros stand
    // where their pieces have not landed yet.
    QTest::addColumn<QByteArray>("bytes");
    const QByteArray whole = readFixture();
    if (whole.size() < 1024)
        QSKIP("the fixture library could not be read");
    const auto zeroed = [&](qsizetype from, qsizetype size) {
        QByteArray b = whole;
        std::memset(b.data() + from, 0, size_t(size));
        return b;
    };
    QTest::newRow("all zeros") << QByteArray(whole.size(), '\0');
    QTest::newRow("header") << zeroed(0, 64);
    QTest::newRow("tail (section table)") << zeroed(whole.size() - 1024, 1024);
    QTest::newRow("all but the header") << zeroed(64, whole.size() - 64);
}

void tst_Stages::zerosWhereTheLinkerHasNotWritten()
{
    QFETCH(QByteArray, bytes);
    const Readiness readiness = checkReadiness(bytes);
    QVERIFY2(readiness.state == Readiness::Incomplete,
             qPrintable(readiness.state == Readiness::Ready ? QStringLiteral("ready") : readiness.reason));
}

void tst_Stages::notALibraryIsInvalid_data()
{
    QTest::addColumn<QByteArray>("bytes");
    QTest::addColumn<QString>("says");
    const QByteArray whole = readFixture();
    if (whole.size() < 1024)
        QSKIP("the fixture library could not be read");
    QTest::newRow("text") << QByteArray("#!/bin/sh\necho not a library\n") << QStringLiteral("not a shared library");
    QByteArray executable = whole;
    executable[16] = 2; // e_type ET_EXEC (little-endian hosts)
    executable[17] = 0;
    QTest::newRow("executable") << executable << QStringLiteral("not a shared library");
    QByteArray otherClass = whole;
    otherClass[4] = 7;
    QTest::newRow("unknown class") << otherClass << QStringLiteral("unknown class");
}

void tst_Stages::notALibraryIsInvalid()
{
    QFETCH(QByteArray, bytes);
    QFETCH(QString, says);
    const Readiness readiness = checkReadiness(bytes);
    QVERIFY2(readiness.state == Readiness::Invalid,
             qPrintable(readiness.state == Readiness::Ready ? QStringLiteral("ready") : readiness.reason));
    QVERIFY2(readiness.reason.contains(says), qPrintable(readiness.reason));
}

void tst_Stages::pinsAreReadFromTheSymbols()
{
#if !defined(Q_OS_LINUX)
    QSKIP("ELF libraries");
#else
    const QByteArray plain = readFixture();
    QVERIFY(!plain.isEmpty());
    const Pins none = pinsOf(plain);
    QVERIFY(!none.threadLocalDestructors);
    QVERIFY(!none.gnuUnique);

    const QByteArray tls = readFixture(QHOT_TEST_TLS_LIBRARY);
    QVERIFY(!tls.isEmpty());
    const Pins threadLocal = pinsOf(tls);
    QVERIFY(threadLocal.threadLocalDestructors);
    QVERIFY(!threadLocal.gnuUnique); // built with -fno-gnu-unique
#if defined(QHOT_TEST_UNIQUE_LIBRARY)
    const QByteArray unique = readFixture(QHOT_TEST_UNIQUE_LIBRARY);
    QVERIFY(!unique.isEmpty());
    QVERIFY(pinsOf(unique).gnuUnique);
    QVERIFY(!pinsOf(unique).threadLocalDestructors);
#endif
#endif
}

void tst_Stages::pinsOfCutBytesAreNone()
{
    // Read from a copy that may be damaged: never past the end.
    const QByteArray tls = readFixture(QHOT_TEST_TLS_LIBRARY);
    QVERIFY(!tls.isEmpty());
    for (qsizetype cut = 0; cut < tls.size(); cut += qMax<qsizetype>(1, tls.size() / 997)) {
        const QByteArray head = tls.left(cut); // a fresh buffer: ASan sees a read past it
        const Pins pins = pinsOf(head);
        Q_UNUSED(pins);
    }
}

void tst_Stages::letGoEmptiesItsOwnBuffer()
{
    for (const qsizetype size : {qsizetype(0), qsizetype(100), qsizetype(3 << 20) + 123}) {
        QByteArray bytes(size, 'x');
        letGo(bytes);
        QVERIFY(bytes.isEmpty());
        // The allocator is sound afterwards: a buffer of the same size comes and goes.
        QByteArray again(size, 'y');
        QCOMPARE(again.count('y'), size);
    }
}

void tst_Stages::letGoLeavesASharedBufferIntact()
{
    // The pages of a buffer someone else still reads must not be given back
    // (they would read zeros): only the last reference gives them back.
    const qsizetype size = (qsizetype(4) << 20) + 77;
    QByteArray mine(size, 'z');
    const QByteArray theirs = mine;
    letGo(mine);
    QVERIFY(mine.isEmpty());
    QCOMPARE(theirs.size(), size);
    QCOMPARE(theirs.count('z'), size);
}

QTEST_GUILESS_MAIN(tst_Stages)
#include "tst_stages.moc"
