// SPDX-License-Identifier: MIT
//
// The hot library's scene: edit this file while the app runs (a colour, the
// gravity, the way balls are drawn), rebuild, and the window shows it at once
// with every ball where it was.

#include "scene.h"

#include <QHotReload/QHotManifest>

#include <QtCore/QRectF>
#include <QtGui/QFont>
#include <QtGui/QLinearGradient>
#include <QtGui/QPainter>
#include <QtGui/QRadialGradient>

#include <algorithm>
#include <cmath>

namespace {

constexpr double Radius = 11.0;
constexpr double GridStep = 40.0;

// A new ball for slot i: the same spot and velocity in every run, spread out.
scene::Ball spawn(std::size_t i, const QSizeF &size)
{
    const double golden = 2.399963229728653; // radians: spreads successive angles evenly
    const double angle = double(i) * golden;
    const double w = std::max(size.width() - 2 * Radius, 1.0);
    const double h = std::max(size.height() - 2 * Radius, 1.0);
    scene::Ball ball;
    ball.x = Radius + std::fmod(0.5 * w + double(i) * 97.0, w);
    ball.y = Radius + std::fmod(0.35 * h + double(i) * 53.0, h);
    ball.vx = 160.0 * std::cos(angle);
    ball.vy = 160.0 * std::sin(angle);
    return ball;
}

// Keeps a ball inside [Radius, limit - Radius] on one axis, bouncing it back.
void bounce(double &position, double &velocity, double limit)
{
    const double low = Radius;
    const double high = std::max(limit - Radius, low);
    if (position < low) {
        position = low + (low - position);
        velocity = std::abs(velocity);
    } else if (position > high) {
        position = high - (position - high);
        velocity = -std::abs(velocity);
    }
    position = std::clamp(position, low, high);
}

} // namespace

void scene::update(SceneState &state, double dt)
{
    constexpr double Gravity = 0.0; // px/s²: try 900.0
    const double step = dt * state.speed;
    state.time += step;
    ++state.frames;

    // As many balls as the panel asks for; the ones kept keep their place.
    const std::size_t wanted = std::size_t(std::max(state.count, 0));
    while (state.balls.size() < wanted)
        state.balls.push_back(spawn(state.balls.size(), state.size));
    state.balls.resize(wanted);

    for (Ball &ball : state.balls) {
        ball.vy += Gravity * step;
        ball.x += ball.vx * step;
        ball.y += ball.vy * step;
        bounce(ball.x, ball.vx, state.size.width());
        bounce(ball.y, ball.vy, state.size.height());
    }
}

void scene::paint(QPainter &painter, const SceneState &state)
{
    const QColor background(0x1d, 0x23, 0x33); // try QColor(0x3b, 0x1d, 0x33)
    const QRectF area(QPointF(0, 0), state.size);

    QLinearGradient sky(area.topLeft(), area.bottomLeft());
    sky.setColorAt(0, background);
    sky.setColorAt(1, background.darker(160));
    painter.fillRect(area, sky);
    painter.setRenderHint(QPainter::Antialiasing);

    if (state.grid) {
        painter.setPen(QPen(QColor(255, 255, 255, 22), 1));
        for (double x = GridStep; x < area.width() - 1; x += GridStep)
            painter.drawLine(QPointF(x, 1), QPointF(x, area.height() - 1));
        for (double y = GridStep; y < area.height() - 1; y += GridStep)
            painter.drawLine(QPointF(1, y), QPointF(area.width() - 1, y));
    }

    painter.setPen(Qt::NoPen);
    for (const Ball &ball : state.balls) {
        const QPointF centre(ball.x, ball.y);
        QRadialGradient shade(centre - QPointF(Radius / 3, Radius / 3), Radius * 1.4);
        shade.setColorAt(0, state.color.lighter(150));
        shade.setColorAt(1, state.color.darker(130));
        painter.setBrush(shade);
        painter.drawEllipse(centre, Radius, Radius);
    }

    QFont font = painter.font();
    font.setPointSizeF(15);
    font.setBold(true);
    painter.setFont(font);
    painter.setPen(QColor(255, 255, 255, 220));
    painter.drawText(area.adjusted(16, 10, -16, -10), Qt::AlignLeft | Qt::AlignTop,
                     state.title.isEmpty() ? QStringLiteral("(no title: type one in the form)") : state.title);

    font.setPointSizeF(9);
    font.setBold(false);
    painter.setFont(font);
    painter.setPen(QColor(255, 255, 255, 150));
    painter.drawText(area.adjusted(16, 10, -16, -10), Qt::AlignLeft | Qt::AlignBottom,
                     QStringLiteral("t = %1 s   frame %2   %3 balls   speed ×%4")
                             .arg(state.time, 0, 'f', 1)
                             .arg(state.frames)
                             .arg(state.balls.size())
                             .arg(state.speed, 0, 'f', 2));
}

QHOT_LIBRARY(scene::update, scene::paint, scene::createPanel);
