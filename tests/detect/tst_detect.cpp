// SPDX-License-Identifier: MIT
// Detect and tell: at each swap one warning names what the application
// still holds that points into a retired version — the message handler it
// installed, an object of its class parented to the application object, an
// event filter and a running QThread of its classes without a parent — each
// with what to do; a library that keeps all of that under versionRoot() is
// told nothing. Without the detection no warning comes and the first test
// fails.

#include "detect.h"
#include "swapcycle.h"
#include "testsupport.h"

#include <QHotReload/QHotLibrary>
#include <QHotReload/QHotModule>

#include <QtCore/QCoreApplication>
#include <QtCore/QLoggingCategory>
#include <QtCore/QRegularExpression>
#include <QtCore/QScopeGuard>
#include <QtCore/QThread>
#include <QtTest/QTest>

#include <memory>
#include <vector>

using QHotTestSupport::fixture;

namespace {

constexpr int Swaps = 3;

// Keeps what the swap stage warns, passing every message on. It is the
// test's own handler (its code is in the test, not in a hot copy).
class Capture
{
public:
    Capture()
    {
        s_self = this;
        s_previous = qInstallMessageHandler(handle);
    }
    ~Capture()
    {
        qInstallMessageHandler(s_previous);
        s_self = nullptr;
    }
    Q_DISABLE_COPY_MOVE(Capture)

    //! The handler this installed.
    static QtMessageHandler handler() { return handle; }

    QStringList warnings;
    QStringList timings;

private:
    static void handle(QtMsgType type, const QMessageLogContext &context, const QString &message)
    {
        if (s_self && context.category && qstrcmp(context.category, "qhotreload.swap") == 0) {
            if (type == QtWarningMsg)
                s_self->warnings << message;
            else if (message.startsWith(QLatin1String("looked for what points")))
                s_self->timings << message;
        }
        s_previous(type, context, message);
    }

    static inline Capture *s_self = nullptr;
    static inline QtMessageHandler s_previous = nullptr;
};

// A library's two versions under a watched file, swapped in turn.
class Hot : public QHotTestSupport::SwapCycle
{
public:
    Hot(const char *v1, const char *v2, const char *fileName)
        : SwapCycle({fixture(v1), fixture(v2)}, QString::fromLatin1(fileName))
    {
    }
};

} // namespace

class tst_Detect : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void leftoversAreNamed();
    void wellBehavedLibraryIsQuiet();
    void manyObjects();
};

void tst_Detect::leftoversAreNamed()
{
    Capture capture;
    Hot hot(QHOT_FIXTURE_DETECT_DETECT_V1, QHOT_FIXTURE_DETECT_DETECT_V2, "libdetect.so");
    QHotFunction<decltype(detect::installHandler)> installHandler{hot.module, "detect::installHandler"};
    QHotFunction<decltype(detect::leaveObject)> leaveObject{hot.module, "detect::leaveObject"};
    QHotFunction<decltype(detect::installFilter)> installFilter{hot.module, "detect::installFilter"};
    QHotFunction<decltype(detect::startThread)> startThread{hot.module, "detect::startThread"};
    QHotFunction<decltype(detect::version)> version{hot.module, "detect::version"};
    QVERIFY2(hot.load(), qPrintable(hot.why()));

    DetectShared shared;
    const QtMessageHandler captureHandler = Capture::handler();
    std::unique_ptr<QObject> left(leaveObject());
    std::unique_ptr<QObject> filter(installFilter());
    std::unique_ptr<QThread> thread(startThread(&shared));
    installHandler();
    // However this function is left: the library's handler goes, its thread
    // stops, its objects are deleted (their code is still mapped).
    auto cleanUp = qScopeGuard([&] {
        qInstallMessageHandler(captureHandler);
        shared.stop = true;
        thread->wait();
        thread.reset();
        filter.reset();
        left.reset();
    });

    for (int i = 1; i <= Swaps; ++i) {
        capture.warnings.clear();
        QVERIFY2(hot.swap(), qPrintable(hot.why()));
        QCOMPARE(version(), hot.live());
        QCOMPARE(capture.warnings.size(), 1);
        const QString warning = capture.warnings.first();
        for (const char *expected : {"version 1: the message handler (qInstallMessageHandler) is its code",
                                     "version 1: an object of class detect::Leftover, parent QCoreApplication",
                                     "version 1: an object of class detect::Filter, no parent",
                                     "version 1: a QThread of class detect::Worker, running, no parent",
                                     "for the message handler, put the previous one back",
                                     "for an object, make it with QHotReload::versionRoot() as its parent",
                                     "for a QThread, make it under QHotReload::versionRoot()"}) {
            QVERIFY2(warning.contains(QLatin1String(expected)),
                     qPrintable(QStringLiteral("swap %1: '%2' not in: %3").arg(i).arg(QLatin1String(expected), warning)));
        }
        // What the newer versions made themselves (nothing) is not named.
        QVERIFY2(!warning.contains(QRegularExpression(QStringLiteral("version [2-9]"))), qPrintable(warning));
    }

    // Once the application lets go of all of it, the next swap says nothing.
    cleanUp.dismiss();
    qInstallMessageHandler(captureHandler);
    shared.stop = true;
    QVERIFY(thread->wait(QHotTestSupport::Timeout));
    thread.reset();
    filter.reset();
    left.reset();
    capture.warnings.clear();
    QVERIFY2(hot.swap(), qPrintable(hot.why()));
    QVERIFY2(capture.warnings.isEmpty(), qPrintable(capture.warnings.join(QLatin1Char('\n'))));
}

void tst_Detect::wellBehavedLibraryIsQuiet()
{
    Capture capture;
    Hot hot(QHOT_FIXTURE_DETECT_POLITE_V1, QHOT_FIXTURE_DETECT_POLITE_V2, "libpolite.so");
    QHotFunction<decltype(polite::start)> start{hot.module, "polite::start"};
    QHotFunction<decltype(polite::version)> version{hot.module, "polite::version"};
    QVERIFY2(hot.load(), qPrintable(hot.why()));
    start();
    for (int i = 1; i <= Swaps; ++i) {
        QVERIFY2(hot.swap(), qPrintable(hot.why()));
        QCOMPARE(version(), hot.live());
        QVERIFY2(capture.warnings.isEmpty(), qPrintable(capture.warnings.join(QLatin1Char('\n'))));
        start();
    }
}

// Ten thousand objects alive at a swap, half of them the old version's:
// they are one line of the warning. The time the search took is printed
// (for the README), not asserted.
void tst_Detect::manyObjects()
{
    constexpr int PerSide = 5000;
    Capture capture;
    QLoggingCategory::setFilterRules(QStringLiteral("qhotreload.swap.debug=true"));
    auto rules = qScopeGuard([] { QLoggingCategory::setFilterRules(QString()); });
    Hot hot(QHOT_FIXTURE_DETECT_DETECT_V1, QHOT_FIXTURE_DETECT_DETECT_V2, "libdetect.so");
    QHotFunction<decltype(detect::leaveObject)> leaveObject{hot.module, "detect::leaveObject"};
    QVERIFY2(hot.load(), qPrintable(hot.why()));
    std::vector<std::unique_ptr<QObject>> objects;
    for (int i = 0; i < PerSide; ++i) {
        objects.emplace_back(leaveObject());
        objects.emplace_back(std::make_unique<QObject>());
    }
    for (int i = 1; i <= Swaps; ++i) {
        capture.warnings.clear();
        QVERIFY2(hot.swap(), qPrintable(hot.why()));
        QCOMPARE(capture.warnings.size(), 1);
        QVERIFY2(capture.warnings.first().contains(QStringLiteral("detect::Leftover, parent QCoreApplication (%1 of them)")
                                                           .arg(PerSide)),
                 qPrintable(capture.warnings.first()));
    }
    qInfo().noquote() << "with" << 2 * PerSide << "objects:" << capture.timings.join(QLatin1String("; "));
}

QTEST_GUILESS_MAIN(tst_Detect)

#include "tst_detect.moc"
