// SPDX-License-Identifier: MIT
#ifndef WIDGETS_DEMO_H
#define WIDGETS_DEMO_H

#include <QtCore/QString>

// The scripted demo (no display, or --demo): real edits of the build's copies
// of scene.cpp and scene.ui, real builds (QHotBuilder runs ninja or `cmake --build`),
// and checks of the new behaviour and of the state kept, printed step by step.
// With \a benchEdits > 0 it then times that many more edits from save to live
// and prints "RESULT save_to_live_ms ..." last. Returns the exit code (0:
// every check passed). Needs a QApplication (offscreen is fine).
int runScriptedDemo(int benchEdits);

// Renders the window as it runs (library loaded, a title typed, a second of
// animation) to \a fileName with QWidget::grab(). Returns the exit code.
int saveScreenshot(const QString &fileName);

#endif // WIDGETS_DEMO_H
