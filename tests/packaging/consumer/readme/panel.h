// SPDX-License-Identifier: MIT
#ifndef README_PANEL_H
#define README_PANEL_H

// README, "QHotWidget": a factory in the hot library.
class QWidget;

namespace ui {
QWidget *createPanel(QWidget *parent);
}

#endif // README_PANEL_H
