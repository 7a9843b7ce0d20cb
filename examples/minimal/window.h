// SPDX-License-Identifier: MIT
#ifndef MINIMAL_WINDOW_H
#define MINIMAL_WINDOW_H

#include <QtWidgets/QWidget>

class QLabel;

// Shows what the hot library says next to state that only the app keeps: the
// counter goes on from where it was whatever version of step() is loaded.
class MinimalWindow : public QWidget
{
    Q_OBJECT

public:
    explicit MinimalWindow(QWidget *parent = nullptr);

private:
    void advance();
    void refresh();

    int m_counter = 0;
    QString m_lastFailure;

    QLabel *m_greetingLabel;
    QLabel *m_counterLabel;
    QLabel *m_versionLabel;
    QLabel *m_failureLabel;
};

#endif // MINIMAL_WINDOW_H
