// SPDX-License-Identifier: MIT
#include "sceneview.h"

#include "hotscene.h"

#include <QtGui/QPainter>
#include <QtGui/QResizeEvent>

SceneView::SceneView(QWidget *parent) : QWidget(parent)
{
    setObjectName(QStringLiteral("sceneView"));
    // paint() covers every pixel: nothing for Qt to clear first.
    setAttribute(Qt::WA_OpaquePaintEvent);
    m_state.size = QSizeF(sizeHint());
}

void SceneView::paintEvent(QPaintEvent *)
{
    QPainter painter(this);
    if (!hot_scene::hotModule().isLoaded()) {
        // A hot call now would throw: say why instead (the file stays
        // watched, and the next good build is taken).
        painter.fillRect(rect(), QColor(0x30, 0x30, 0x30));
        painter.setPen(Qt::white);
        const QString why = hot_scene::hotModule().errorString();
        painter.drawText(rect().adjusted(16, 16, -16, -16), Qt::AlignCenter | Qt::TextWordWrap,
                         why.isEmpty() ? QStringLiteral("not loaded yet") : why);
        return;
    }
    hot_scene::paint(painter, m_state);
}

void SceneView::resizeEvent(QResizeEvent *event)
{
    m_state.size = QSizeF(event->size());
    QWidget::resizeEvent(event);
}
