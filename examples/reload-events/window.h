// SPDX-License-Identifier: MIT
#ifndef RELOADEVENTS_WINDOW_H
#define RELOADEVENTS_WINDOW_H

#include <QtWidgets/QWidget>

class QLabel;
class QPlainTextEdit;

// The worker's latest tick() and the reload events as they happen.
class EventsWindow : public QWidget
{
    Q_OBJECT

public:
    explicit EventsWindow(QWidget *parent = nullptr);

    void showTick(int value);
    void appendEvent(const QString &line);

private:
    QLabel *m_tickLabel;
    QPlainTextEdit *m_events;
};

#endif // RELOADEVENTS_WINDOW_H
