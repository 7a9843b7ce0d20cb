// SPDX-License-Identifier: MIT
// QHotReloadIndicator: each state, as a real library goes through it, and
// the build states a build-on-save driver reports; the overlay.

#include "widgetstest.h"

#include <QHotReload/QHotReloadIndicator>

#include <QtTest/QSignalSpy>
#include <QtTest/QTest>
#include <QtWidgets/QDialog>
#include <QtWidgets/QPlainTextEdit>

using namespace QHotWidgetsTest;

using State = QHotReloadIndicator::State;

class tst_QHotReloadIndicator : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void idleAndNotLoaded();
    void followsLibrary();
    void buildStates();
    void overlay();
    void noLibraryNoOverlay();
};

void tst_QHotReloadIndicator::idleAndNotLoaded()
{
    QHotReloadIndicator indicator;
    QCOMPARE(indicator.state(), QHotReloadIndicator::Idle);

    QTemporaryDir dir;
    QHotLibrary missing(dir.filePath(QStringLiteral("libnothere.so")));
    QVERIFY(!missing.load());
    indicator.setLibrary(&missing);
    QCOMPARE(indicator.state(), QHotReloadIndicator::NotLoaded);
    QVERIFY2(indicator.text().startsWith(QLatin1String("not loaded: libnothere.so does not exist")),
             qPrintable(indicator.text()));
    QCOMPARE(indicator.details(), missing.errorString());
}

void tst_QHotReloadIndicator::followsLibrary()
{
    WatchedLibrary file(fixturePath(QHOT_FIXTURE_WIDGETS_PANEL_V1));
    QVERIFY(file.isValid());
    PanelModule m(file.path8()); // declares the factory: a changed signature is refused
    QVERIFY2(m.module.load(), qPrintable(m.module.errorString()));
    QHotLibrary *lib = m.module.library();

    QHotReloadIndicator indicator(lib);
    indicator.show();
    QSignalSpy states(&indicator, &QHotReloadIndicator::stateChanged);
    QCOMPARE(indicator.library(), lib);
    QCOMPARE(indicator.state(), QHotReloadIndicator::Watching);
    QCOMPARE(indicator.text(), QStringLiteral("watching libpanel.so (v1)"));
    QCOMPARE(indicator.property("state").value<State>(), QHotReloadIndicator::Watching);

    QVERIFY(file.replaceLikeLd(fixturePath(QHOT_FIXTURE_WIDGETS_PANEL_V2)));
    QTRY_COMPARE_WITH_TIMEOUT(indicator.state(), QHotReloadIndicator::Reloaded, Timeout);
    QCOMPARE(states.count(), 1);
    QCOMPARE(states.first().first().value<State>(), QHotReloadIndicator::Reloaded);
    QVERIFY2(indicator.text().startsWith(QLatin1String("reloaded v2 in ")), qPrintable(indicator.text()));
    QVERIFY2(indicator.text().endsWith(QLatin1String(" ms")), qPrintable(indicator.text()));
    QVERIFY(indicator.lastReloadMs() >= 0);
    QVERIFY(indicator.text().contains(QString::number(indicator.lastReloadMs())));
    QVERIFY2(indicator.details().contains(QLatin1String("from aboutToReload to reloaded")), qPrintable(indicator.details()));

    QVERIFY(file.replaceLikeLd(fixturePath(QHOT_FIXTURE_WIDGETS_PANEL_V3_SIGNATURE)));
    QTRY_COMPARE_WITH_TIMEOUT(indicator.state(), QHotReloadIndicator::Refused, Timeout);
    QVERIFY2(indicator.text().startsWith(QLatin1String("refused: libpanel.so changed the signature of 'fixture::createPanel'")),
             qPrintable(indicator.text()));
    // The whole reason, with the full path, on demand.
    QVERIFY(indicator.details().startsWith(QDir::toNativeSeparators(file.path())));
    QVERIFY(indicator.details().contains(QLatin1String("keeps running")));
    QCOMPARE(indicator.toolTip(), indicator.details());
    QCOMPARE(states.count(), 2);
}

void tst_QHotReloadIndicator::buildStates()
{
    WatchedLibrary file(fixturePath(QHOT_FIXTURE_WIDGETS_PANEL_V1));
    QVERIFY(file.isValid());
    QHotLibrary lib(file.path());
    QVERIFY2(lib.load(), qPrintable(lib.errorString()));
    QHotReloadIndicator indicator(&lib);
    QCOMPARE(indicator.state(), QHotReloadIndicator::Watching);

    indicator.setBuilding(true);
    QCOMPARE(indicator.state(), QHotReloadIndicator::Building);
    QVERIFY2(indicator.text().startsWith(QLatin1String("building")), qPrintable(indicator.text()));
    indicator.setBuilding(false); // built, nothing new to load
    QCOMPARE(indicator.state(), QHotReloadIndicator::Watching);
    QCOMPARE(indicator.text(), QStringLiteral("watching libpanel.so (v1)"));

    const QString first = QStringLiteral("panel.cpp:12:5: error: expected ';' before '}' token");
    const QString full = QStringLiteral("[1/2] Building CXX object panel.cpp.o\n") + first
            + QStringLiteral("\n   12 |     return 1\n      |             ^\nninja: build stopped: subcommand failed.");
    indicator.setBuilding(true);
    indicator.setBuildFailed(first, full);
    QCOMPARE(indicator.state(), QHotReloadIndicator::BuildFailed);
    QCOMPARE(indicator.text(), QStringLiteral("build failed: ") + first);
    QCOMPARE(indicator.details(), full);
    QCOMPARE(indicator.toolTip(), full);
    QCOMPARE(lib.version(), 1); // the old code runs

    indicator.showDetails();
    auto *dialog = indicator.window()->findChild<QDialog *>(QStringLiteral("qhotreload-details"));
    QVERIFY(dialog);
    QVERIFY(dialog->isVisible());
    QCOMPARE(dialog->findChild<QPlainTextEdit *>()->toPlainText(), full);

    // The fix builds and is taken: the indicator follows the library again.
    indicator.setBuilding(true);
    indicator.setBuilding(false);
    QCOMPARE(indicator.state(), QHotReloadIndicator::Watching); // the failure is over
    QVERIFY(file.replaceLikeLd(fixturePath(QHOT_FIXTURE_WIDGETS_PANEL_V2)));
    QTRY_COMPARE_WITH_TIMEOUT(indicator.state(), QHotReloadIndicator::Reloaded, Timeout);
    QCOMPARE(dialog->findChild<QPlainTextEdit *>()->toPlainText(), indicator.details());
}

void tst_QHotReloadIndicator::overlay()
{
    WatchedLibrary file(fixturePath(QHOT_FIXTURE_WIDGETS_PANEL_V1));
    QVERIFY(file.isValid());
    QHotLibrary lib(file.path());
    QVERIFY2(lib.load(), qPrintable(lib.errorString()));
    QWidget window;
    window.resize(480, 320);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));

    QHotReloadIndicator *indicator = QHotReloadIndicator::attachOverlay(&window, &lib);
    QVERIFY(indicator);
    QCOMPARE(indicator->parentWidget(), &window);
    QVERIFY(indicator->isVisible());
    QCOMPARE(indicator->state(), QHotReloadIndicator::Watching);
    const auto inBottomRight = [&] {
        const QRect g = indicator->geometry();
        return window.rect().contains(g) && g.bottom() > window.height() - 20 && g.right() > window.width() - 20;
    };
    QVERIFY(inBottomRight());

    window.resize(640, 480);
    QTRY_VERIFY_WITH_TIMEOUT(inBottomRight(), Timeout);

    // The next change shows it again.
    indicator->hide();
    QVERIFY(file.replaceLikeLd(fixturePath(QHOT_FIXTURE_WIDGETS_PANEL_V2)));
    QTRY_COMPARE_WITH_TIMEOUT(indicator->state(), QHotReloadIndicator::Reloaded, Timeout);
    QVERIFY(indicator->isVisible());
    QVERIFY(inBottomRight());
}

void tst_QHotReloadIndicator::noLibraryNoOverlay()
{
    // What a module's library() is with hot reload off (std::nullptr_t), and
    // a null pointer at run time: nothing to tell, no overlay.
    QWidget window;
    QCOMPARE(QHotReloadIndicator::attachOverlay(&window, nullptr), nullptr);
    QCOMPARE(QHotReloadIndicator::attachOverlay(&window, static_cast<QHotLibrary *>(nullptr)), nullptr);
    QVERIFY(window.findChildren<QHotReloadIndicator *>().isEmpty());
}

QTEST_MAIN(tst_QHotReloadIndicator)
#include "tst_qhotreloadindicator.moc"
