// SPDX-License-Identifier: MIT
//
// The README's application lines, unchanged, in one app. Run with --check it
// steps once through each translation unit, shows the window for one event
// loop turn, prints what it saw and PASSED, and quits.
#include <QHotReload/QHotBuilder>
#include <QHotReload/QHotReloadIndicator>
#include <QHotReload/QHotWidget>
#include "hotlogic.h"
#include "status.h"

#include <QtCore/QTextStream>
#include <QtCore/QTimer>
#include <QtWidgets/QApplication>
#include <QtWidgets/QLabel>
#include <QtWidgets/QVBoxLayout>

int main(int argc, char **argv)
{
    QApplication app(argc, argv);
    if (!hot::hotModule().load())
        qFatal("%s", qPrintable(hot::hotModule().errorString()));
    game::State state;
    QWidget window;
    auto *label = new QLabel(&window);
    auto *panel = new QHotWidget(hot_ui::hotModule(), hot_ui::createPanel, &window);
    auto *layout = new QVBoxLayout(&window);
    layout->addWidget(label);
    layout->addWidget(panel);
    // The status in the window's corner, and build on save (both nothing with hot reload off).
    QHotReloadIndicator *indicator = QHotReloadIndicator::attachOverlay(&window, hot::hotModule().library());
    QHOT_BUILD_ON_SAVE(snippet_logic, hot::hotModule().library(), indicator);
    QTimer timer;
    QObject::connect(&timer, &QTimer::timeout, [&] {
        hot::step(state);
        label->setText(hot::describe(state));
    });
    timer.start(500);
    window.show();

    if (app.arguments().contains(QStringLiteral("--check"))) {
        const QString viaOtherUnit = statusLine(state);
        hot::step(state);
        const QString here = hot::describe(state);
        QTextStream out(stdout);
        out << "status.cpp: " << viaOtherUnit << "; main.cpp: " << here << "; panel: "
            << (panel->widget() ? panel->widget()->metaObject()->className() : "none") << "; indicator: "
            << (indicator ? "shown" : "none") << Qt::endl;
        const bool ok = viaOtherUnit == QStringLiteral("tick 1") && here == QStringLiteral("tick 2")
                && panel->widget() && bool(indicator) == bool(QHOTRELOAD_ENABLED);
        out << (ok ? "PASSED" : "FAILED") << Qt::endl;
        return ok ? 0 : 1;
    }
    return app.exec();
}
