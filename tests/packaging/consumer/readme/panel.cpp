// SPDX-License-Identifier: MIT
// README, "QHotWidget": the factory; its Q_PROPERTYs survive each reload.
#include "panel.h"

#include <QtWidgets/QSpinBox>

QWidget *ui::createPanel(QWidget *parent)
{
    auto *count = new QSpinBox(parent);
    count->setObjectName(QStringLiteral("count"));
    count->setRange(0, 100);
    return count;
}
