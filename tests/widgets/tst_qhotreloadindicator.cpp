// SPDX-License-Identifier: MIT
// QHotReloadIndicator: each state, as a real library goes through it, and
// the build states a build-on-save driver reports; the overlay.

#include "widgetstest.h"

#include <QHotReload/QHotReloadIndicator>

#include <QtTest/QSignalSpy>
#include <QtTest/QTest>
#include <QtWidgets/QDialog>
#include <QtWidgets/QPlainTextEdit>
#include <QtWidgets/QPushButton>

using namespace QHotWidgetsTest;

using State = QHotReloadIndicator::State;

class tst_QHotReloadIndicator : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void idleAndNotLoaded();
    void followsLibrary();
    void buildStates();
    void briefBuildErrors_data();
    void briefBuildErrors();
    void overlay();
    void overlayAvoidsControls();
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
    // No build led to it: the swap alone, not taken for the whole wait.
    QVERIFY2(indicator.text().startsWith(QStringLiteral("v2 live · swap ")), qPrintable(indicator.text()));
    QVERIFY2(indicator.text().endsWith(QStringLiteral("\u00a0ms")), qPrintable(indicator.text())); // unit kept with its number
    QVERIFY(indicator.lastReloadMs() >= 0);
    QCOMPARE(indicator.lastSaveToLiveMs(), -1);
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
    // Short words first: the file and line, then what the compiler says.
    QCOMPARE(indicator.text(), QStringLiteral("build failed · panel.cpp:12: expected ';' before '}' token"));
    // The whole output, and that the old code runs.
    QVERIFY2(indicator.details().startsWith(full), qPrintable(indicator.details()));
    QVERIFY(indicator.details().endsWith(QLatin1String("(v1) keeps running.")));
    QCOMPARE(indicator.toolTip(), indicator.details());
    QCOMPARE(lib.version(), 1); // the old code runs

    indicator.showDetails();
    auto *dialog = indicator.window()->findChild<QDialog *>(QStringLiteral("qhotreload-details"));
    QVERIFY(dialog);
    QVERIFY(dialog->isVisible());
    QCOMPARE(dialog->findChild<QPlainTextEdit *>()->toPlainText(), indicator.details());

    // The fix builds and is taken: the indicator follows the library again.
    indicator.setBuilding(true);
    indicator.setBuilding(false);
    QCOMPARE(indicator.state(), QHotReloadIndicator::Watching); // the failure is over
    QVERIFY(file.replaceLikeLd(fixturePath(QHOT_FIXTURE_WIDGETS_PANEL_V2)));
    QTRY_COMPARE_WITH_TIMEOUT(indicator.state(), QHotReloadIndicator::Reloaded, Timeout);
    QCOMPARE(dialog->findChild<QPlainTextEdit *>()->toPlainText(), indicator.details());
}

void tst_QHotReloadIndicator::briefBuildErrors_data()
{
    QTest::addColumn<QString>("firstError");
    QTest::addColumn<QString>("shown");
    QTest::newRow("gcc") << QStringLiteral("/home/ada/calc/src/calclogic.cpp:11:22: error: expected ';' before '}' token")
                         << QStringLiteral("build failed · calclogic.cpp:11: expected ';' before '}' token");
    QTest::newRow("gcc, no column") << QStringLiteral("/a/b/logic.cpp:7: error: 'x' was not declared in this scope")
                                    << QStringLiteral("build failed · logic.cpp:7: 'x' was not declared in this scope");
    QTest::newRow("clang fatal") << QStringLiteral("/a/b/scene.cpp:3:10: fatal error: 'nothere.h' file not found")
                                 << QStringLiteral("build failed · scene.cpp:3: 'nothere.h' file not found");
    QTest::newRow("msvc") << QStringLiteral("C:\\src\\calc\\calclogic.cpp(11): error C2143: syntax error: missing ';'")
                          << QStringLiteral("build failed · calclogic.cpp:11: syntax error: missing ';'");
    QTest::newRow("linker") << QStringLiteral("/usr/bin/ld: CMakeFiles/logic.dir/logic.cpp.o: undefined reference to `f()'")
                            << QStringLiteral("build failed · ld: CMakeFiles/logic.dir/logic.cpp.o: undefined reference to `f()'");
    QTest::newRow("no file") << QStringLiteral("build on save: cannot run cmake: No such file or directory")
                             << QStringLiteral("build failed · build on save: cannot run cmake: No such file or directory");
}

void tst_QHotReloadIndicator::briefBuildErrors()
{
    QFETCH(QString, firstError);
    QFETCH(QString, shown);
    QHotReloadIndicator indicator;
    const QString full = QStringLiteral("[1/2] Building CXX object\n") + firstError + QStringLiteral("\nninja: stopped");
    indicator.setBuildFailed(firstError, full);
    QCOMPARE(indicator.text(), shown);
    QCOMPARE(indicator.toolTip(), full); // the whole text on hover
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

// A window whose bottom-right corner holds its OK button: the overlay takes
// the bottom-left corner instead, and goes back when the button is gone.
void tst_QHotReloadIndicator::overlayAvoidsControls()
{
    WatchedLibrary file(fixturePath(QHOT_FIXTURE_WIDGETS_PANEL_V1));
    QVERIFY(file.isValid());
    QHotLibrary lib(file.path());
    QVERIFY2(lib.load(), qPrintable(lib.errorString()));
    QWidget window;
    window.resize(400, 200);
    auto *ok = new QPushButton(QStringLiteral("OK"), &window);
    ok->setGeometry(330, 160, 62, 32);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));

    QHotReloadIndicator *indicator = QHotReloadIndicator::attachOverlay(&window, &lib);
    QVERIFY(indicator);
    QVERIFY2(!indicator->geometry().intersects(ok->geometry()), qPrintable(indicator->text()));
    QVERIFY(indicator->geometry().bottom() > window.height() - 20); // still at the bottom
    QVERIFY(indicator->geometry().left() < 20);                     // on the left

    delete ok;
    window.resize(420, 200);
    QTRY_VERIFY_WITH_TIMEOUT(indicator->geometry().right() > window.width() - 20, Timeout);
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
