// SPDX-License-Identifier: MIT
// QHotWidget across real swaps: the child's properties survive, a refused
// version keeps the child, a failing factory shows why, and the child never
// outlives the code it runs on (swap, blocked swap, abandoned swap, unload).

#include "widgetstest.h"

#include <QHotReload/QHotForm>
#include <QHotReload/QHotWidget>

#include <QtCore/QPointer>
#include <QtGui/QColor>
#include <QtTest/QSignalSpy>
#include <QtTest/QTest>
#include <QtWidgets/QLabel>

using namespace QHotWidgetsTest;

namespace {

int versionOf(const QWidget *w)
{
    return w ? w->property("fixtureVersion").toInt() : 0;
}

QString caption(const QWidget *w)
{
    const QLabel *label = w ? w->findChild<QLabel *>(QStringLiteral("caption")) : nullptr;
    return label ? label->text() : QString();
}

QString placeholderText(const QHotWidget &hot)
{
    const QLabel *label = hot.findChild<QLabel *>(QStringLiteral("qhotwidget-placeholder"));
    return label && !label->isHidden() ? label->text() : QString();
}

bool hasLibraryObject(const QObject *parent)
{
    const QObjectList children = parent->findChildren<QObject *>();
    return std::any_of(children.cbegin(), children.cend(), [](const QObject *o) {
        return QByteArray(o->metaObject()->className()).startsWith("fixture::");
    });
}

} // namespace

class tst_QHotWidget : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void keepsPropertiesAcrossSwap();
    void refusedSwapKeepsOldChild();
    void failingFactoryShowsPlaceholder_data();
    void failingFactoryShowsPlaceholder();
    void missingFactoryThenBack();
    void blockedSwapRecreatesOnceAtReloaded();
    void abandonedSwapRecreatesFromRunningVersion();
    void unloadDeletesChildFirst();
    void libraryDestroyedFirst();
    void promotedInUiFile();
    void previewOnlyLoadsNothing();
};

void tst_QHotWidget::keepsPropertiesAcrossSwap()
{
    WatchedLibrary file(fixturePath(QHOT_FIXTURE_WIDGETS_PANEL_V1));
    QVERIFY(file.isValid());
    QHotLibrary lib(file.path());
    QHotWidget hot(&lib, QStringLiteral("fixture::createPanel"));
    hot.resize(200, 100);
    hot.show();
    QVERIFY2(hot.widget(), qPrintable(hot.errorString()));
    QPointer<QWidget> first = hot.widget();
    QCOMPARE(versionOf(first), 1);
    QCOMPARE(first->parentWidget(), &hot);
    QVERIFY(first->isVisible());

    QVERIFY(first->setProperty("level", 7));
    QVERIFY(first->setProperty("title", QStringLiteral("kept")));
    QVERIFY(first->setProperty("accent", QColor(Qt::magenta)));
    QCOMPARE(caption(first), QStringLiteral("v1: kept (level 7)"));

    QSignalSpy reloaded(&lib, &QHotLibrary::reloaded);
    QSignalSpy changed(&hot, &QHotWidget::widgetChanged);
    QVERIFY(file.replaceLikeLd(fixturePath(QHOT_FIXTURE_WIDGETS_PANEL_V2)));
    QTRY_COMPARE_WITH_TIMEOUT(reloaded.count(), 1, Timeout);

    QVERIFY(!first); // deleted while v1 was loaded
    QWidget *second = hot.widget();
    QVERIFY2(second, qPrintable(hot.errorString()));
    QCOMPARE(versionOf(second), 2);
    QCOMPARE(second->property("level").toInt(), 7);
    QCOMPARE(second->property("title").toString(), QStringLiteral("kept"));
    QCOMPARE(second->property("accent").value<QColor>(), QColor(Qt::magenta));
    QCOMPARE(second->property("compact").toBool(), true); // added in v2: its default
    QCOMPARE(caption(second), QStringLiteral("v2: kept (level 7)"));
    QVERIFY(second->isVisible());
    QVERIFY(hot.errorString().isEmpty());
    QCOMPARE(changed.count(), 2); // deleted, made

    // Only the child's own writable properties travel.
    const QVariantMap saved = hot.savedProperties();
    QVERIFY(saved.contains(QStringLiteral("level")));
    QVERIFY(!saved.contains(QStringLiteral("hostTicks")));
    QVERIFY(!saved.contains(QStringLiteral("geometry")));
    QVERIFY(!saved.contains(QStringLiteral("objectName")));
    QVERIFY(!second->grab().isNull()); // v2's paintEvent runs
}

void tst_QHotWidget::refusedSwapKeepsOldChild()
{
    WatchedLibrary file(fixturePath(QHOT_FIXTURE_WIDGETS_PANEL_V1));
    QVERIFY(file.isValid());
    PanelModule m(file.path8());
    QHotWidget hot(m.module, m.createPanel);
    QHotLibrary *lib = hot.library();
    QVERIFY(lib);
    QCOMPARE(lib, m.module.library());
    QPointer<QWidget> child = hot.widget();
    QVERIFY2(child, qPrintable(hot.errorString()));
    child->setProperty("level", 3);

    QSignalSpy failed(lib, &QHotLibrary::reloadFailed);
    QSignalSpy changed(&hot, &QHotWidget::widgetChanged);
    QVERIFY(file.replaceLikeLd(fixturePath(QHOT_FIXTURE_WIDGETS_PANEL_V3_SIGNATURE)));
    QTRY_COMPARE_WITH_TIMEOUT(failed.count(), 1, Timeout);
    QVERIFY2(failed.first().first().toString().contains(QLatin1String("fixture::createPanel")),
             qPrintable(failed.first().first().toString()));

    // The same object, still running v1's code.
    QVERIFY(child);
    QCOMPARE(hot.widget(), child.data());
    QCOMPARE(changed.count(), 0);
    QCOMPARE(lib->version(), 1);
    child->setProperty("level", 4);
    QCOMPARE(caption(child), QStringLiteral("v1: untitled (level 4)"));
    QVERIFY(!child->grab().isNull());

    // A fixed version is taken with the value set since.
    QSignalSpy reloaded(lib, &QHotLibrary::reloaded);
    QVERIFY(file.replaceLikeLd(fixturePath(QHOT_FIXTURE_WIDGETS_PANEL_V2)));
    QTRY_COMPARE_WITH_TIMEOUT(reloaded.count(), 1, Timeout);
    QVERIFY(!child);
    QCOMPARE(versionOf(hot.widget()), 2);
    QCOMPARE(hot.widget()->property("level").toInt(), 4);
}

void tst_QHotWidget::failingFactoryShowsPlaceholder_data()
{
    QTest::addColumn<QString>("library");
    QTest::addColumn<QString>("factory");
    QTest::addColumn<QString>("reason");
    const QString v1 = fixturePath(QHOT_FIXTURE_WIDGETS_PANEL_V1);
    QTest::newRow("returns null") << v1 << QStringLiteral("fixture::createNothing")
                                  << QStringLiteral("the factory 'fixture::createNothing' returned no widget");
    QTest::newRow("throws") << v1 << QStringLiteral("fixture::createThrowing")
                            << QStringLiteral("threw: panel factory failed on purpose");
    QTest::newRow("unknown name") << v1 << QStringLiteral("fixture::createNone")
                                  << QStringLiteral("has no hot function 'fixture::createNone'");
    QTest::newRow("other signature") << fixturePath(QHOT_FIXTURE_WIDGETS_PANEL_V3_SIGNATURE)
                                     << QStringLiteral("fixture::createPanel")
                                     << QStringLiteral("a widget factory must be 'QWidget*(QWidget*)'");
}

void tst_QHotWidget::failingFactoryShowsPlaceholder()
{
    QFETCH(QString, library);
    QFETCH(QString, factory);
    QFETCH(QString, reason);
    WatchedLibrary file(library);
    QVERIFY(file.isValid());
    QHotLibrary lib(file.path());
    {
        QHotWidget hot(&lib, factory);
        hot.show();
        QVERIFY(lib.isLoaded());
        QCOMPARE(hot.widget(), nullptr);
        QVERIFY2(hot.errorString().contains(reason), qPrintable(hot.errorString()));
        QVERIFY2(hot.errorString().contains(QDir::toNativeSeparators(file.path())), qPrintable(hot.errorString()));
        QCOMPARE(placeholderText(hot), hot.errorString());
        // What a throwing factory made before it threw is gone with it.
        QVERIFY(!hasLibraryObject(&hot));
        // Unloading now must not leave anything of the library behind in hot.
        lib.unload();
    }
}

void tst_QHotWidget::missingFactoryThenBack()
{
    WatchedLibrary file(fixturePath(QHOT_FIXTURE_WIDGETS_PANEL_V1));
    QVERIFY(file.isValid());
    QHotLibrary lib(file.path());
    QHotWidget hot(&lib, QStringLiteral("fixture::createPanel"));
    QVERIFY(hot.widget());
    hot.widget()->setProperty("level", 11);

    // Taken by the library (it does not declare the factory), shown as an error.
    QSignalSpy reloaded(&lib, &QHotLibrary::reloaded);
    QVERIFY(file.replaceLikeLd(fixturePath(QHOT_FIXTURE_WIDGETS_PANEL_V4_NOFACTORY)));
    QTRY_COMPARE_WITH_TIMEOUT(reloaded.count(), 1, Timeout);
    QCOMPARE(hot.widget(), nullptr);
    QVERIFY2(placeholderText(hot).contains(QLatin1String("has no hot function 'fixture::createPanel'")),
             qPrintable(placeholderText(hot)));

    // The properties wait for the next version that has it.
    QVERIFY(file.replaceLikeLd(fixturePath(QHOT_FIXTURE_WIDGETS_PANEL_V2)));
    QTRY_COMPARE_WITH_TIMEOUT(reloaded.count(), 2, Timeout);
    QCOMPARE(versionOf(hot.widget()), 2);
    QCOMPARE(hot.widget()->property("level").toInt(), 11);
    QVERIFY(hot.errorString().isEmpty());
    QVERIFY(placeholderText(hot).isEmpty());
}

void tst_QHotWidget::blockedSwapRecreatesOnceAtReloaded()
{
    WatchedLibrary file(fixturePath(QHOT_FIXTURE_WIDGETS_PANEL_V1));
    QVERIFY(file.isValid());
    QHotLibrary lib(file.path());
    QHotWidget hot(&lib, QStringLiteral("fixture::createPanel"));
    QPointer<QWidget> first = hot.widget();
    QVERIFY(first);
    first->setProperty("level", 21);

    QSignalSpy about(&lib, &QHotLibrary::aboutToReload);
    QSignalSpy reloaded(&lib, &QHotLibrary::reloaded);
    int made = 0;
    connect(&hot, &QHotWidget::widgetChanged, this, [&] { made += hot.widget() ? 1 : 0; });

    QHotReloadBlocker blocker = lib.blockReload();
    QVERIFY(file.replaceLikeLd(fixturePath(QHOT_FIXTURE_WIDGETS_PANEL_V2)));
    QTRY_COMPARE_WITH_TIMEOUT(about.count(), 1, Timeout);
    QVERIFY(!first); // gone at aboutToReload, while v1 is still loaded
    QCOMPARE(hot.widget(), nullptr);

    // A newer rebuild replaces the pending one before the swap happens.
    QVERIFY(file.replaceLikeLd(fixturePath(QHOT_FIXTURE_WIDGETS_PANEL_V6)));
    QVERIFY2(lib.reload(), qPrintable(lib.errorString()));
    QCOMPARE(reloaded.count(), 0);
    QCOMPARE(hot.widget(), nullptr);

    blocker.release();
    QTRY_COMPARE_WITH_TIMEOUT(reloaded.count(), 1, Timeout);
    QCOMPARE(about.count(), 1);
    QCOMPARE(made, 1);
    QCOMPARE(versionOf(hot.widget()), 6);
    QCOMPARE(hot.widget()->property("level").toInt(), 21);
}

void tst_QHotWidget::abandonedSwapRecreatesFromRunningVersion()
{
    // The running version's save hook throws: the swap announced by
    // aboutToReload is refused, and the running version makes the child again.
    WatchedLibrary file(fixturePath(QHOT_FIXTURE_WIDGETS_PANEL_V5_SAVETHROWS));
    QVERIFY(file.isValid());
    QHotLibrary lib(file.path());
    QHotWidget hot(&lib, QStringLiteral("fixture::createPanel"));
    QPointer<QWidget> first = hot.widget();
    QVERIFY(first);
    first->setProperty("level", 9);

    QSignalSpy about(&lib, &QHotLibrary::aboutToReload);
    QSignalSpy failed(&lib, &QHotLibrary::reloadFailed);
    QVERIFY(file.replaceLikeLd(fixturePath(QHOT_FIXTURE_WIDGETS_PANEL_V2)));
    QTRY_COMPARE_WITH_TIMEOUT(failed.count(), 1, Timeout);
    QCOMPARE(about.count(), 1);
    const QString why = failed.first().first().toString();
    QVERIFY2(why.contains(QLatin1String("save hook")) && why.contains(QLatin1String("panel state cannot be saved")),
             qPrintable(why));
    QVERIFY(!first);
    QVERIFY2(hot.widget(), qPrintable(hot.errorString()));
    QCOMPARE(versionOf(hot.widget()), 5);
    QCOMPARE(hot.widget()->property("level").toInt(), 9);
}

void tst_QHotWidget::unloadDeletesChildFirst()
{
    WatchedLibrary file(fixturePath(QHOT_FIXTURE_WIDGETS_PANEL_V1));
    QVERIFY(file.isValid());
    QHotLibrary lib(file.path());
    QHotWidget hot(&lib, QStringLiteral("fixture::createPanel"));
    QPointer<QWidget> child = hot.widget();
    QVERIFY(child);
    child->setProperty("level", 5);

    // No aboutToReload here: the child must still go before the code does
    // (its destructor is in the library).
    QVERIFY(lib.unload());
    QVERIFY(!child);
    QCOMPARE(hot.widget(), nullptr);
    QVERIFY2(placeholderText(hot).contains(QLatin1String("not loaded")), qPrintable(placeholderText(hot)));

    QVERIFY2(lib.load(), qPrintable(lib.errorString()));
    QVERIFY(hot.widget());
    QCOMPARE(hot.widget()->property("level").toInt(), 5);
}

void tst_QHotWidget::libraryDestroyedFirst()
{
    WatchedLibrary file(fixturePath(QHOT_FIXTURE_WIDGETS_PANEL_V1));
    QVERIFY(file.isValid());
    auto *lib = new QHotLibrary(file.path());
    QHotWidget hot(lib, QStringLiteral("fixture::createPanel"));
    QPointer<QWidget> child = hot.widget();
    QVERIFY(child);
    delete lib;
    QVERIFY(!child);
    QCOMPARE(hot.library(), nullptr);
    QVERIFY(!hot.errorString().isEmpty());
}

void tst_QHotWidget::promotedInUiFile()
{
    // A .ui file that promotes a QWidget to QHotWidget and sets its properties,
    // loaded through QUiLoader (QHotForm's loader knows QHotWidget).
    WatchedLibrary file(fixturePath(QHOT_FIXTURE_WIDGETS_PANEL_V1));
    QVERIFY(file.isValid());
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString ui = QStringLiteral(R"(<?xml version="1.0" encoding="UTF-8"?>
<ui version="4.0">
 <class>Form</class>
 <widget class="QWidget" name="Form">
  <layout class="QVBoxLayout" name="layout">
   <item>
    <widget class="QHotWidget" name="panel">
     <property name="libraryFile"><string>%1</string></property>
     <property name="factory"><string>fixture::createPanel</string></property>
    </widget>
   </item>
  </layout>
 </widget>
 <customwidgets>
  <customwidget>
   <class>QHotWidget</class>
   <extends>QWidget</extends>
   <header>QHotReload/QHotWidget</header>
  </customwidget>
 </customwidgets>
 <resources/>
 <connections/>
</ui>
)").arg(file.path().toHtmlEscaped());
    const QString uiPath = dir.filePath(QStringLiteral("panel.ui"));
    QVERIFY(saveByRename(uiPath, ui.toUtf8()));
    QHotForm form(uiPath);
    QVERIFY2(form.form(), qPrintable(form.errorString()));
    auto *hot = form.findChild<QHotWidget *>(QStringLiteral("panel"));
    QVERIFY(hot);
    QVERIFY(hot->library());
    QCOMPARE(hot->library()->parent(), hot); // owned
    QVERIFY2(hot->widget(), qPrintable(hot->errorString()));
    QCOMPARE(versionOf(hot->widget()), 1);

    QSignalSpy reloaded(hot->library(), &QHotLibrary::reloaded);
    QVERIFY(file.replaceLikeLd(fixturePath(QHOT_FIXTURE_WIDGETS_PANEL_V2)));
    QTRY_COMPARE_WITH_TIMEOUT(reloaded.count(), 1, Timeout);
    QCOMPARE(versionOf(hot->widget()), 2);
}

void tst_QHotWidget::previewOnlyLoadsNothing()
{
    // What a form editor does: preview first, then the properties from the form.
    WatchedLibrary file(fixturePath(QHOT_FIXTURE_WIDGETS_PANEL_V1));
    QVERIFY(file.isValid());
    QHotWidget hot;
    QSignalSpy previewChanged(&hot, &QHotWidget::previewOnlyChanged);
    hot.setPreviewOnly(true);
    QCOMPARE(previewChanged.count(), 1);
    hot.setFactory(QStringLiteral("fixture::createPanel"));
    hot.setLibraryFile(file.path());
    hot.show();

    QVERIFY(hot.isPreviewOnly());
    QVERIFY2(!hot.library(), "a preview loads no library");
    QVERIFY(!hot.widget());
    QVERIFY(!hasLibraryObject(&hot));
    const QString preview = placeholderText(hot);
    QVERIFY2(preview.contains(QStringLiteral("fixture::createPanel")), qPrintable(preview));
    QVERIFY2(preview.contains(file.path()), qPrintable(preview));

    // Out of preview: the library is loaded and the widget made.
    hot.setPreviewOnly(false);
    QCOMPARE(previewChanged.count(), 2);
    QVERIFY(hot.library());
    QVERIFY2(hot.widget(), qPrintable(hot.errorString()));
    QCOMPARE(versionOf(hot.widget()), 1);

    // Back into preview: the widget and the library it loaded itself go.
    QPointer<QHotLibrary> loaded = hot.library();
    hot.setPreviewOnly(true);
    QVERIFY(!hot.widget());
    QVERIFY(!hot.library());
    QTRY_VERIFY_WITH_TIMEOUT(loaded.isNull(), Timeout);
    QVERIFY(placeholderText(hot).contains(QStringLiteral("fixture::createPanel")));
}

QTEST_MAIN(tst_QHotWidget)
#include "tst_qhotwidget.moc"
