// SPDX-License-Identifier: MIT
#ifndef WIDGETS_SCENEVIEW_H
#define WIDGETS_SCENEVIEW_H

#include "scene.h"

#include <QtWidgets/QWidget>

// Shows the scene: paintEvent() hands a QPainter and the app's SceneState to
// the hot library's paint(). The state is a member of this app-side widget,
// so it is the same object before and after every reload.
class SceneView : public QWidget
{
    Q_OBJECT

public:
    explicit SceneView(QWidget *parent = nullptr);

    scene::SceneState &state() { return m_state; }
    const scene::SceneState &state() const { return m_state; }

    QSize sizeHint() const override { return { 640, 400 }; }
    QSize minimumSizeHint() const override { return { 320, 200 }; }

protected:
    void paintEvent(QPaintEvent *event) override;
    void resizeEvent(QResizeEvent *event) override;

private:
    scene::SceneState m_state;
};

#endif // WIDGETS_SCENEVIEW_H
