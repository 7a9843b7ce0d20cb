// SPDX-License-Identifier: MIT
#include "window.h"

#include "hotscene.h"
#include "sceneview.h"

#include <QHotReload/QHotForm>
#include <QHotReload/QHotReloadIndicator>
#include <QHotReload/QHotWidget>

#include <QtCore/QDir>
#include <QtWidgets/QAbstractButton>
#include <QtWidgets/QHBoxLayout>
#include <QtWidgets/QLabel>
#include <QtWidgets/QLineEdit>
#include <QtWidgets/QVBoxLayout>

#include <algorithm>

SceneWindow::SceneWindow(QWidget *parent) : QWidget(parent)
{
    setWindowTitle(QStringLiteral("QHotReload: widgets example"));

    m_view = new SceneView(this);

    // Made by the library's factory; made again (same property values) after
    // each reload, and deleted before the code it came from is unloaded.
    m_panel = new QHotWidget(hot_scene::hotModule(), hot_scene::createPanel, this);
    m_panel->setObjectName(QStringLiteral("panelHost"));

    m_form = new QHotForm(formFile(), this);
    m_form->setObjectName(QStringLiteral("formHost"));

    auto *hint = new QLabel(tr("Edit <b>scene.cpp</b>, <b>panel.cpp</b> or <b>scene.ui</b> in "
                               "<tt>examples/widgets</tt> and save: the library is rebuilt and "
                               "reloaded, the balls, the settings and your input stay."),
                            this);
    hint->setWordWrap(true);
    hint->setForegroundRole(QPalette::PlaceholderText);

    auto *side = new QVBoxLayout;
    side->addWidget(m_panel);
    side->addWidget(m_form);
    side->addStretch(1);
    side->addWidget(hint);

    auto *layout = new QHBoxLayout(this);
    layout->addWidget(m_view, 1);
    layout->addLayout(side);

    // Over the scene's corner: watching / building / saved → live X s /
    // refused / build failed; click it for the whole text.
    // With hot reload off there is no library: no indicator, nothing linked.
    m_indicator = QHotReloadIndicator::attachOverlay(m_view, hot_scene::hotModule().library(),
                                                     Qt::BottomRightCorner);

    connect(&m_timer, &QTimer::timeout, this, &SceneWindow::tick);
    m_timer.start(16);
    m_sinceLastFrame.start();
}

QString SceneWindow::formFile()
{
    return QDir(QStringLiteral(QHOT_EXAMPLE_LIVE_DIR)).filePath(QStringLiteral("scene.ui"));
}

void SceneWindow::readInputs()
{
    scene::SceneState &state = m_view->state();
    // By name: the panel's class is the library's, and it may gain or lose a
    // property in the next version. Between aboutToReload and reloaded there
    // is no panel; the state keeps the last values.
    if (const QWidget *panel = m_panel->widget()) {
        if (const QVariant speed = panel->property("speed"); speed.canConvert<double>())
            state.speed = speed.toDouble();
        if (const QVariant color = panel->property("color"); color.canConvert<QColor>())
            state.color = color.value<QColor>();
        if (const QVariant count = panel->property("count"); count.canConvert<int>())
            state.count = count.toInt();
    }
    // Looked up each frame: a reloaded form is made of new widgets.
    if (const QWidget *form = m_form->form()) {
        if (const auto *title = form->findChild<QLineEdit *>(QStringLiteral("titleEdit")))
            state.title = title->text();
        if (const auto *grid = form->findChild<QAbstractButton *>(QStringLiteral("gridCheck")))
            state.grid = grid->isChecked();
    }
}

void SceneWindow::tick()
{
    // After a pause (a breakpoint, a long build on a busy machine) the balls
    // carry on from where they were rather than jump.
    const double dt = std::min(m_sinceLastFrame.restart() / 1000.0, 0.05);
    readInputs();
    if (hot_scene::hotModule().isLoaded())
        hot_scene::update(m_view->state(), dt);
    m_view->update();
}
