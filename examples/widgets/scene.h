// SPDX-License-Identifier: MIT
#ifndef WIDGETS_SCENE_H
#define WIDGETS_SCENE_H

// Shared by the app and the hot library: the scene's state and the hot
// functions' declarations (no definitions: the app does not link the library).

#include <QHotReload/QHotManifest>

#include <QtCore/QSizeF>
#include <QtCore/QString>
#include <QtGui/QColor>
// Complete types, not forward declarations: the layout check compares the
// size of every type a hot signature names, and an incomplete type has none.
#include <QtGui/QPainter>
#include <QtWidgets/QWidget>

#include <vector>

namespace scene {

struct Ball
{
    double x = 0;
    double y = 0;
    double vx = 0; // px per simulated second
    double vy = 0;
};

// Owned by the app (SceneView), so a reload cannot lose it: the library only
// advances and draws it.
struct SceneState
{
    QSizeF size{640, 360}; // the view, px
    double time = 0;       // simulated seconds
    quint64 frames = 0;    // update() calls so far
    std::vector<Ball> balls;

    // Copied in by the app before each update(): the settings panel's
    // properties and the form's fields.
    double speed = 1.0;
    QColor color{0x4f, 0xc3, 0xf7};
    int count = 12;
    QString title;
    bool grid = true;
};

// Advances the simulation by dt wall-clock seconds (scaled by state.speed).
void update(SceneState &state, double dt);
// Draws the scene into state.size.
void paint(QPainter &painter, const SceneState &state);
// The settings panel shown by the app's QHotWidget: properties speed, color, count.
QWidget *createPanel(QWidget *parent);

} // namespace scene

// The app and the library must agree on SceneState's fields, not just its
// size: a version that reorders or retypes them is refused with a reason.
QHOT_DESCRIBE_TYPE(scene::SceneState, size, time, frames, balls, speed, color, count, title, grid);

#endif // WIDGETS_SCENE_H
