// SPDX-License-Identifier: MIT
#ifndef WIDGETS_WINDOW_H
#define WIDGETS_WINDOW_H

#include <QtCore/QElapsedTimer>
#include <QtCore/QTimer>
#include <QtWidgets/QWidget>

class QHotForm;
class QHotReloadIndicator;
class QHotWidget;
class SceneView;

// The example's window: the animated scene (hot update() and paint()), the
// settings panel (a QHotWidget made by the hot createPanel()), the form
// (scene.ui through QHotForm) and a reload indicator over the scene.
class SceneWindow : public QWidget
{
    Q_OBJECT

public:
    explicit SceneWindow(QWidget *parent = nullptr);

    SceneView *view() const { return m_view; }
    QHotWidget *panel() const { return m_panel; }
    QHotForm *form() const { return m_form; }
    QHotReloadIndicator *indicator() const { return m_indicator; }

    //! The .ui file the form loads: the build's live copy of scene.ui.
    static QString formFile();

    /*!
        One frame: copies the panel's properties and the form's fields into
        the scene's state, advances it with the hot update() by the time since
        the last frame, and repaints. The timer calls it 60 times a second.
    */
    void tick();

private:
    void readInputs();

    SceneView *m_view = nullptr;
    QHotWidget *m_panel = nullptr;
    QHotForm *m_form = nullptr;
    QHotReloadIndicator *m_indicator = nullptr;
    QTimer m_timer;
    QElapsedTimer m_sinceLastFrame;
};

#endif // WIDGETS_WINDOW_H
