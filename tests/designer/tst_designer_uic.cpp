// SPDX-License-Identifier: MIT
// form.ui compiled by uic (AUTOUIC) into this program, as an application built
// from a form made with the Designer plugin: the generated code includes the
// public headers, sets the properties through their setters, and the
// QHotWidget hosts a real hot library's widget through a rebuild.

#include "designertest.h"
#include "ui_form.h"

#include <QtTest/QSignalSpy>
#include <QtTest/QTest>
#include <QtWidgets/QApplication>

using namespace QHotWidgetsTest;
using namespace QHotDesignerTest;

class tst_DesignerUic : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void compiledFormHostsHotWidget();
};

void tst_DesignerUic::compiledFormHostsHotWidget()
{
    WatchedLibrary file(fixturePath(QHOT_FIXTURE_WIDGETS_PANEL_V1));
    QVERIFY(file.isValid());
    QWidget window;
    Ui::HotForm ui;
    {
        CurrentDir cwd(directoryOf(file.path())); // form.ui says libraryFile "panel"
        QVERIFY(cwd.isValid());
        ui.setupUi(&window);
    }
    QCOMPARE(window.windowTitle(), QStringLiteral("Hot form"));
    QHotWidget *hot = ui.panel;
    QCOMPARE(hot->libraryFile(), QStringLiteral("panel"));
    QCOMPARE(hot->factory(), QStringLiteral("fixture::createPanel"));
    QVERIFY(hot->library());
    QCOMPARE(QFileInfo(hot->library()->fileName()).canonicalFilePath(), QFileInfo(file.path()).canonicalFilePath());
    QVERIFY2(hot->widget(), qPrintable(hot->errorString()));
    QCOMPARE(hot->widget()->property("fixtureVersion").toInt(), 1);
    QCOMPARE(ui.indicator->autoHideDelay(), 1500);
    ui.indicator->setLibrary(hot->library());

    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    QVERIFY(hot->widget()->isVisible());
    QVERIFY(hot->widget()->setProperty("level", 7));

    QSignalSpy reloaded(hot->library(), &QHotLibrary::reloaded);
    QVERIFY(file.replaceLikeLd(fixturePath(QHOT_FIXTURE_WIDGETS_PANEL_V2)));
    QTRY_COMPARE_WITH_TIMEOUT(reloaded.count(), 1, Timeout);
    QCOMPARE(hot->widget()->property("fixtureVersion").toInt(), 2);
    QCOMPARE(hot->widget()->property("level").toInt(), 7); // kept across the swap
    QCOMPARE(ui.indicator->state(), QHotReloadIndicator::Reloaded);
}

QTEST_MAIN(tst_DesignerUic)
#include "tst_designer_uic.moc"
