// SPDX-License-Identifier: MIT
// QHotWidget's child reloaded 50 times while a host timer fires into the
// library: each version's widget (a QWidget subclass with a vtable), its
// adopted QObject and the lambda it connected to the host timer must all be
// gone before that version is unloaded. Meant to run under ASan (the asan
// preset): a use of unloaded code or of a deleted object is a crash there.

#include "widgetstest.h"

#include <QHotReload/QHotWidget>

#include <QtCore/QPointer>
#include <QtCore/QTimer>
#include <QtTest/QSignalSpy>
#include <QtTest/QTest>
#include <QtWidgets/QLabel>

using namespace QHotWidgetsTest;

namespace {
constexpr int Reloads = 50;
}

class tst_QHotWidgetChurn : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void reloadedFiftyTimes();
};

void tst_QHotWidgetChurn::reloadedFiftyTimes()
{
    // Found by the library's factory: it connects to it.
    QTimer hostTimer(QCoreApplication::instance());
    hostTimer.setObjectName(QStringLiteral("fixture-host-timer"));
    hostTimer.setInterval(1);
    hostTimer.start();

    const QString versions[] = {fixturePath(QHOT_FIXTURE_WIDGETS_PANEL_V1), fixturePath(QHOT_FIXTURE_WIDGETS_PANEL_V2)};
    WatchedLibrary file(versions[0]);
    QVERIFY(file.isValid());
    PanelModule m(file.path8());
    QHotWidget hot(m.module, m.createPanel);
    hot.resize(240, 120);
    hot.show();
    QVERIFY2(hot.widget(), qPrintable(hot.errorString()));
    QHotLibrary *lib = hot.library();
    QSignalSpy reloaded(lib, &QHotLibrary::reloaded);
    QSignalSpy failed(lib, &QHotLibrary::reloadFailed);

    // The library's lambda reaches the widget through the host timer.
    QTRY_VERIFY_WITH_TIMEOUT(hot.widget()->property("hostTicks").toInt() > 0, Timeout);

    for (int i = 1; i <= Reloads; ++i) {
        QPointer<QWidget> before = hot.widget();
        QVERIFY(before);
        QVERIFY(before->setProperty("level", i));
        QVERIFY(file.replaceLikeLd(versions[i % 2]));
        QTRY_COMPARE_WITH_TIMEOUT(reloaded.count(), i, Timeout);
        QVERIFY2(failed.isEmpty(), qPrintable(failed.isEmpty() ? QString() : failed.first().first().toString()));
        QVERIFY(!before);
        QWidget *after = hot.widget();
        QVERIFY2(after, qPrintable(hot.errorString()));
        QCOMPARE(after->property("fixtureVersion").toInt(), i % 2 + 1);
        QCOMPARE(after->property("level").toInt(), i);
        // The default title is a literal in the old library's data: it must
        // have been copied out before that library went.
        QCOMPARE(after->property("title").toString(), QStringLiteral("untitled"));
        QVERIFY(!after->grab().isNull());
        // Let the host timer fire into the new version a few times.
        const int ticks = after->property("hostTicks").toInt();
        QTRY_VERIFY_WITH_TIMEOUT(hot.widget()->property("hostTicks").toInt() > ticks, Timeout);
    }
    QCOMPARE(lib->version(), Reloads + 1);
    hostTimer.stop();
}

QTEST_MAIN(tst_QHotWidgetChurn)
#include "tst_qhotwidget_churn.moc"
