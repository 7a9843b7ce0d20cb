// SPDX-License-Identifier: MIT
#ifndef WIDGETS_PANEL_H
#define WIDGETS_PANEL_H

// The settings panel: a widget class of the hot library. The app never sees
// this header; its QHotWidget shows what scene::createPanel() makes and reads
// the properties by name. Its stored, writable properties are what QHotWidget
// carries from one version's panel to the next.

#include <QtGui/QColor>
#include <QtWidgets/QWidget>

class QButtonGroup;
class QLabel;
class QSlider;
class QSpinBox;

namespace scene {

class SettingsPanel : public QWidget
{
    Q_OBJECT
    Q_PROPERTY(double speed READ speed WRITE setSpeed NOTIFY settingsChanged)
    Q_PROPERTY(QColor color READ color WRITE setColor NOTIFY settingsChanged)
    Q_PROPERTY(int count READ count WRITE setCount NOTIFY settingsChanged)

public:
    explicit SettingsPanel(QWidget *parent = nullptr);

    double speed() const { return m_speed; }
    void setSpeed(double speed);
    QColor color() const { return m_color; }
    void setColor(const QColor &color);
    int count() const { return m_count; }
    void setCount(int count);

Q_SIGNALS:
    void settingsChanged();

private:
    void showValues();

    double m_speed = 1.0;
    QColor m_color{0x4f, 0xc3, 0xf7};
    int m_count = 12;

    QSlider *m_speedSlider = nullptr;
    QLabel *m_speedLabel = nullptr;
    QSpinBox *m_countBox = nullptr;
    QButtonGroup *m_swatches = nullptr;
};

} // namespace scene

#endif // WIDGETS_PANEL_H
