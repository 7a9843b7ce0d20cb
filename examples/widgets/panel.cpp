// SPDX-License-Identifier: MIT
//
// The settings panel, made by the hot factory scene::createPanel(). Edit the
// layout, the labels or the colours offered here, rebuild, and the app's
// QHotWidget makes the new panel with the values the old one had.

#include "panel.h"

#include "scene.h"

#include <QtCore/QSignalBlocker>
#include <QtWidgets/QButtonGroup>
#include <QtWidgets/QFormLayout>
#include <QtWidgets/QHBoxLayout>
#include <QtWidgets/QLabel>
#include <QtWidgets/QSlider>
#include <QtWidgets/QSpinBox>
#include <QtWidgets/QToolButton>

#include <cmath>

namespace {

// The colours offered; the panel keeps any colour it is given, listed or not.
const QRgb Palette[] = { 0x4fc3f7, 0xffb74d, 0x81c784, 0xf06292, 0xe0e0e0 };

} // namespace

scene::SettingsPanel::SettingsPanel(QWidget *parent) : QWidget(parent)
{
    setObjectName(QStringLiteral("settingsPanel"));
    auto *form = new QFormLayout(this);

    auto *heading = new QLabel(tr("<b>Settings</b> <small>(panel.cpp, a QHotWidget)</small>"), this);
    form->addRow(heading);

    m_speedSlider = new QSlider(Qt::Horizontal, this);
    m_speedSlider->setRange(10, 400); // hundredths
    m_speedLabel = new QLabel(this);
    m_speedLabel->setMinimumWidth(QFontMetrics(m_speedLabel->font()).horizontalAdvance(QStringLiteral("×0.00 ")));
    auto *speedRow = new QHBoxLayout;
    speedRow->addWidget(m_speedSlider, 1);
    speedRow->addWidget(m_speedLabel);
    form->addRow(tr("Speed"), speedRow);
    connect(m_speedSlider, &QSlider::valueChanged, this, [this](int value) { setSpeed(value / 100.0); });

    m_countBox = new QSpinBox(this);
    m_countBox->setRange(0, 80);
    form->addRow(tr("Balls"), m_countBox);
    connect(m_countBox, &QSpinBox::valueChanged, this, &SettingsPanel::setCount);

    auto *swatchRow = new QHBoxLayout;
    m_swatches = new QButtonGroup(this);
    m_swatches->setExclusive(false); // none checked for a colour that is not offered
    for (const QRgb rgb : Palette) {
        const QColor colour(rgb);
        auto *swatch = new QToolButton(this);
        swatch->setCheckable(true);
        swatch->setFixedSize(24, 24);
        swatch->setToolTip(colour.name());
        swatch->setStyleSheet(QStringLiteral("QToolButton { background: %1; border: 2px solid palette(base); "
                                             "border-radius: 12px; } QToolButton:checked { border-color: "
                                             "palette(text); }")
                                      .arg(colour.name()));
        m_swatches->addButton(swatch);
        swatchRow->addWidget(swatch);
        connect(swatch, &QToolButton::clicked, this, [this, colour] { setColor(colour); });
    }
    swatchRow->addStretch();
    form->addRow(tr("Colour"), swatchRow);

    showValues();
}

void scene::SettingsPanel::setSpeed(double speed)
{
    speed = std::round(speed * 100) / 100;
    if (speed == m_speed)
        return;
    m_speed = speed;
    showValues();
    Q_EMIT settingsChanged();
}

void scene::SettingsPanel::setColor(const QColor &color)
{
    if (color == m_color)
        return;
    m_color = color;
    showValues();
    Q_EMIT settingsChanged();
}

void scene::SettingsPanel::setCount(int count)
{
    if (count == m_count)
        return;
    m_count = count;
    showValues();
    Q_EMIT settingsChanged();
}

// Shows the values in the controls without feeding them back.
void scene::SettingsPanel::showValues()
{
    const QSignalBlocker blockSlider(m_speedSlider);
    const QSignalBlocker blockBox(m_countBox);
    m_speedSlider->setValue(int(std::lround(m_speed * 100)));
    m_speedLabel->setText(QStringLiteral("×%1").arg(m_speed, 0, 'f', 2));
    m_countBox->setValue(m_count);
    const QList<QAbstractButton *> swatches = m_swatches->buttons();
    for (QAbstractButton *swatch : swatches)
        swatch->setChecked(QColor(swatch->toolTip()) == m_color);
}

QWidget *scene::createPanel(QWidget *parent)
{
    return new SettingsPanel(parent);
}
