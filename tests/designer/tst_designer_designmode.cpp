// SPDX-License-Identifier: MIT
// The plugin inside Designer: Designer calls initialize() with its form
// editor, makes the widget, then writes the .ui's properties into it. A
// QHotWidget on a form must then show what it will host and run none of the
// library's code. (A process of its own: initialize() cannot be undone, and
// the other suite needs the plugin as QUiLoader uses it.)

#include "designertest.h"

#include <QHotReload/QHotWidget>

#include <QtCore/QPluginLoader>
#include <QtDesigner/QDesignerFormEditorInterface>
#include <QtTest/QTest>
#include <QtUiPlugin/QDesignerCustomWidgetCollectionInterface>
#include <QtUiPlugin/QDesignerCustomWidgetInterface>
#include <QtWidgets/QApplication>
#include <QtWidgets/QLabel>

using namespace QHotWidgetsTest;

class tst_DesignerDesignMode : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void hotWidgetOnAFormLoadsNothing();
};

void tst_DesignerDesignMode::hotWidgetOnAFormLoadsNothing()
{
    QPluginLoader loader(QStringLiteral(QHOT_DESIGNER_PLUGIN));
    QVERIFY2(loader.load(), qPrintable(loader.errorString()));
    auto *collection = qobject_cast<QDesignerCustomWidgetCollectionInterface *>(loader.instance());
    QVERIFY(collection);
    QDesignerCustomWidgetInterface *hotInterface = nullptr;
    QDesignerFormEditorInterface core;
    const QList<QDesignerCustomWidgetInterface *> widgets = collection->customWidgets();
    for (QDesignerCustomWidgetInterface *w : widgets) {
        w->initialize(&core);
        QVERIFY(w->isInitialized());
        if (w->name() == QLatin1String("QHotWidget"))
            hotInterface = w;
    }
    QVERIFY(hotInterface);

    // A real, loadable library: only the plugin's design mode keeps it out.
    WatchedLibrary file(fixturePath(QHOT_FIXTURE_WIDGETS_PANEL_V1));
    QVERIFY(file.isValid());
    QWidget form;
    QWidget *made = hotInterface->createWidget(&form);
    auto *hot = qobject_cast<QHotWidget *>(made);
    QVERIFY(hot);
    // As Designer's property sheet writes a form's values.
    QVERIFY(hot->setProperty("libraryFile", file.path()));
    QVERIFY(hot->setProperty("factory", QStringLiteral("fixture::createPanel")));
    QCOMPARE(hot->libraryFile(), file.path());
    QCOMPARE(hot->factory(), QStringLiteral("fixture::createPanel"));

    if (QHotWidget::staticMetaObject.indexOfProperty("previewOnly") < 0) {
        QEXPECT_FAIL("", "QHotReload::Widgets has no QHotWidget::previewOnly yet (requested): "
                         "a QHotWidget in Designer loads its library",
                     Abort);
    }
    QCOMPARE(hot->library(), nullptr);
    QCOMPARE(hot->widget(), nullptr);
    // It says what it will host: the factory and the library file.
    QString shown;
    const QList<QLabel *> labels = hot->findChildren<QLabel *>();
    for (const QLabel *label : labels) {
        if (label->isVisibleTo(hot))
            shown += label->text();
    }
    QVERIFY2(shown.contains(QStringLiteral("fixture::createPanel")), qPrintable(shown));
    QVERIFY2(shown.contains(QFileInfo(file.path()).fileName()), qPrintable(shown));
}

QTEST_MAIN(tst_DesignerDesignMode)
#include "tst_designer_designmode.moc"
