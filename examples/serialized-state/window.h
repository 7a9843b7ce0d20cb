// SPDX-License-Identifier: MIT
#ifndef SERIALIZEDSTATE_WINDOW_H
#define SERIALIZEDSTATE_WINDOW_H

#include <QtCore/QVariantMap>
#include <QtWidgets/QWidget>

class QLabel;

// The app's state (a QVariantMap the window owns) stepped by the hot library;
// after an edit of the library's struct the next step shows what carried over.
class StateWindow : public QWidget
{
    Q_OBJECT

public:
    explicit StateWindow(QWidget *parent = nullptr);

private:
    void advance();
    void refresh();

    QVariantMap m_state;
    QString m_problems;
    QString m_lastFailure;

    QLabel *m_stateLabel;
    QLabel *m_problemsLabel;
    QLabel *m_libraryLabel;
};

#endif // SERIALIZEDSTATE_WINDOW_H
