// SPDX-License-Identifier: MIT
// Stale entry points: after a swap, what the application kept of an older
// version that is a free function (a function pointer, a timer's slot) runs
// the newest version's code, one hop from every retired version; a member
// function of a class whose layout changed, and a lambda whose captures
// changed, keep running their own version's code. The fixture is built in
// three versions and swapped for real, each test at least three times.

#include "redirect.h"
#include "swapcycle.h"
#include "testsupport.h"

#include <QHotReload/QHotLibrary>
#include <QHotReload/QHotModule>

#include <QtCore/QCoreApplication>
#include <QtCore/QDeadlineTimer>
#include <QtCore/QLoggingCategory>
#include <QtCore/QRegularExpression>
#include <QtCore/QScopeGuard>
#include <QtCore/QTimer>
#include <QtCore/QVariant>
#include <QtTest/QSignalSpy>
#include <QtTest/QTest>

#include <atomic>
#include <cstring>
#include <thread>

using QHotTestSupport::fixture;
using QHotTestSupport::SwapCycle;
using QHotTestSupport::Timeout;

namespace {

constexpr int Swaps = 4;

// Swapped in turn: versions 1, 2, 3, 1, ...
QStringList versions(const char *second = QHOT_FIXTURE_REDIRECT_V2)
{
    return {fixture(QHOT_FIXTURE_REDIRECT_V1), fixture(second), fixture(QHOT_FIXTURE_REDIRECT_V3)};
}
const QString FileName = QStringLiteral("libredirect.so");

// Where the code at \a function jumps, if it starts with a jmp rel32.
quintptr jumpTarget(quintptr function)
{
    const auto *code = reinterpret_cast<const uchar *>(function);
    if (code[0] != 0xe9)
        return 0;
    qint32 rel;
    std::memcpy(&rel, code + 1, sizeof rel);
    return function + 5 + quintptr(qintptr(rel));
}

// Waits (with the event loop) until the timer's slot has run once more.
bool tickedAgain()
{
    QCoreApplication *app = QCoreApplication::instance();
    const int ticks = app->property("redirectTicks").toInt();
    const QDeadlineTimer deadline(Timeout);
    while (app->property("redirectTicks").toInt() <= ticks && !deadline.hasExpired())
        QTest::qWait(1);
    return app->property("redirectTicks").toInt() > ticks;
}

} // namespace

class tst_Redirect : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void keptFunctionPointerRunsTheNewCode();
    void timerSlotRunsTheNewCode();
    void threadCallingThroughTheSwaps();
    void memberOfAChangedClassKeepsItsVersion();
    void lambdaWithChangedCapturesKeepsItsVersion();
    void settingOffRedirectsNothing();
    void strippedLibraryIsNotRedirected();
};

void tst_Redirect::initTestCase()
{
    if (!QHotLibrary(QStringLiteral("unused")).redirectRetired())
        QSKIP("redirecting retired versions is not supported on this platform yet");
    QLoggingCategory::setFilterRules(QStringLiteral("qhotreload.swap.info=true"));
}

void tst_Redirect::keptFunctionPointerRunsTheNewCode()
{
    SwapCycle hot(versions(), FileName);
    QHotFunction<decltype(redirect_fixture::pointer)> pointer{hot.module, "redirect_fixture::pointer"};
    QHotFunction<decltype(redirect_fixture::version)> version{hot.module, "redirect_fixture::version"};
    QVERIFY2(hot.load(), qPrintable(hot.why()));
    std::vector<redirect_fixture::Fn> kept{pointer()}; // one of every version
    QCOMPARE(kept.front()(), 11);
    for (int i = 1; i <= Swaps; ++i) {
        // Every version kept so far is retired and still mapped.
        QTest::ignoreMessage(QtInfoMsg,
                             QRegularExpression(QStringLiteral("^redirected [1-9][0-9]* functions of %1 retired "
                                                               "versions \\(0 skipped\\)$")
                                                        .arg(i)));
        QVERIFY2(hot.swap(), qPrintable(hot.why()));
        QCOMPARE(version(), hot.live());
        const redirect_fixture::Fn newest = pointer();
        QCOMPARE(newest(), hot.live() * 11);
        for (const redirect_fixture::Fn old : kept) {
            QCOMPARE(old(), hot.live() * 11);
            // One hop: straight to the newest, never through a retired one.
            QCOMPARE(jumpTarget(quintptr(old)), quintptr(newest));
        }
        kept.push_back(newest);
    }
}

void tst_Redirect::timerSlotRunsTheNewCode()
{
    SwapCycle hot(versions(), FileName);
    QHotFunction<decltype(redirect_fixture::connectTick)> connectTick{hot.module, "redirect_fixture::connectTick"};
    QVERIFY2(hot.load(), qPrintable(hot.why()));
    QTimer timer; // the application's; its slot is version 1's free function
    connectTick(&timer);
    timer.start(1);
    QVERIFY(tickedAgain());
    QCOMPARE(qApp->property("redirectTick").toInt(), 1);
    for (int i = 1; i <= Swaps; ++i) {
        QVERIFY2(hot.swap(), qPrintable(hot.why()));
        QVERIFY(tickedAgain());
        QCOMPARE(qApp->property("redirectTick").toInt(), hot.live());
    }
}

// Another thread calls the kept pointer without pause while its entry is
// rewritten: each call runs one version's code whole (never a torn jump),
// and soon the newest.
void tst_Redirect::threadCallingThroughTheSwaps()
{
    SwapCycle hot(versions(), FileName);
    QHotFunction<decltype(redirect_fixture::pointer)> pointer{hot.module, "redirect_fixture::pointer"};
    QVERIFY2(hot.load(), qPrintable(hot.why()));
    const redirect_fixture::Fn kept = pointer();
    std::atomic<bool> stop{false};
    std::atomic<int> last{0};
    std::atomic<int> wrong{0};
    std::atomic<int> calls{0};
    std::thread caller([&] {
        while (!stop.load()) {
            const int value = kept();
            if (value != 11 && value != 22 && value != 33)
                wrong = value;
            last = value;
            ++calls;
        }
    });
    const auto join = qScopeGuard([&] {
        stop = true;
        caller.join();
    });
    QTRY_VERIFY_WITH_TIMEOUT(calls.load() > 0, Timeout);
    for (int i = 1; i <= Swaps; ++i) {
        QVERIFY2(hot.swap(), qPrintable(hot.why()));
        const int before = calls.load();
        QTRY_VERIFY_WITH_TIMEOUT(calls.load() > before + 1 && last.load() == hot.live() * 11, Timeout);
    }
    QCOMPARE(wrong.load(), 0);
}

void tst_Redirect::memberOfAChangedClassKeepsItsVersion()
{
    SwapCycle hot(versions(), FileName);
    QHotFunction<decltype(redirect_fixture::makeCounter)> makeCounter{hot.module, "redirect_fixture::makeCounter"};
    QVERIFY2(hot.load(), qPrintable(hot.why()));
    std::unique_ptr<RedirectShape> kept = makeCounter();
    QCOMPARE(kept->value(), 100);
    for (int i = 1; i <= Swaps; ++i) {
        QVERIFY2(hot.swap(), qPrintable(hot.why()));
        std::unique_ptr<RedirectShape> fresh = makeCounter();
        QCOMPARE(fresh->value(), hot.live() * 100);
        // Version 1's get() on a version 1 object, not version 2's layout.
        QCOMPARE(kept->value(), 100);
    }
    kept.reset(); // version 1's destructor
}

void tst_Redirect::lambdaWithChangedCapturesKeepsItsVersion()
{
    SwapCycle hot(versions(), FileName);
    QHotFunction<decltype(redirect_fixture::makeLambda)> makeLambda{hot.module, "redirect_fixture::makeLambda"};
    QVERIFY2(hot.load(), qPrintable(hot.why()));
    std::function<int()> kept = makeLambda();
    QCOMPARE(kept(), 1001);
    for (int i = 1; i <= Swaps; ++i) {
        QVERIFY2(hot.swap(), qPrintable(hot.why()));
        const int live = hot.live();
        QCOMPARE(makeLambda()(), live == 1 ? 1001 : live * 1000 + 9); // "version N"
        QCOMPARE(kept(), 1001);
        std::function<int()> copy = kept; // the manager is version 1's too
        QCOMPARE(copy(), 1001);
    }
}

void tst_Redirect::settingOffRedirectsNothing()
{
    SwapCycle hot(versions(), FileName);
    QHotFunction<decltype(redirect_fixture::pointer)> pointer{hot.module, "redirect_fixture::pointer"};
    QVERIFY2(hot.load(), qPrintable(hot.why()));
    QSignalSpy changed(hot.library(), &QHotLibrary::redirectRetiredChanged);
    const redirect_fixture::Fn kept = pointer();
    // On: redirected at the first swap; turned off, its own code again.
    QVERIFY2(hot.swap(), qPrintable(hot.why()));
    QCOMPARE(kept(), 22);
    hot.library()->setRedirectRetired(false);
    QCOMPARE(changed.count(), 1);
    QVERIFY(!hot.library()->redirectRetired());
    QCOMPARE(kept(), 11);
    QCOMPARE(jumpTarget(quintptr(kept)), quintptr(0));
    const redirect_fixture::Fn second = pointer(); // version 2's
    for (int i = 2; i <= Swaps; ++i) {
        QVERIFY2(hot.swap(), qPrintable(hot.why()));
        QCOMPARE(pointer()(), hot.live() * 11);
        QCOMPARE(kept(), 11);
        QCOMPARE(second(), 22);
    }
    hot.library()->setRedirectRetired(true);
    QCOMPARE(changed.count(), 2);
}

void tst_Redirect::strippedLibraryIsNotRedirected()
{
    // Version 2 has no symbol table: neither it nor version 1 can be told
    // which function is which in the other.
    SwapCycle hot(versions(QHOT_FIXTURE_REDIRECT_V2_STRIPPED), FileName);
    QHotFunction<decltype(redirect_fixture::pointer)> pointer{hot.module, "redirect_fixture::pointer"};
    QVERIFY2(hot.load(), qPrintable(hot.why()));
    const redirect_fixture::Fn kept = pointer();
    QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("has no symbol table \\(it was stripped\\)")));
    QTest::ignoreMessage(QtInfoMsg, QRegularExpression(QStringLiteral("^redirected 0 functions of 1 retired")));
    QVERIFY2(hot.swap(), qPrintable(hot.why()));
    QCOMPARE(pointer()(), 22);
    QCOMPARE(kept(), 11);
    // Version 3 has one again: version 1 goes to it; version 2 (stripped)
    // has nothing to say which of its functions is which.
    QTest::ignoreMessage(QtInfoMsg, QRegularExpression(QStringLiteral("^redirected [1-9][0-9]* functions of 2 retired")));
    QVERIFY2(hot.swap(), qPrintable(hot.why()));
    QCOMPARE(kept(), 33);
    QVERIFY2(hot.swap(), qPrintable(hot.why())); // version 1 again
    QCOMPARE(kept(), 11);
}

QTEST_GUILESS_MAIN(tst_Redirect)
#include "tst_redirect.moc"
