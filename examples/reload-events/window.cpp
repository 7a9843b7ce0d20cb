// SPDX-License-Identifier: MIT
#include "window.h"

#include "livebuild.h"

#include <QHotReload/QHotModule>

#include <QtWidgets/QLabel>
#include <QtWidgets/QPlainTextEdit>
#include <QtWidgets/QVBoxLayout>

EventsWindow::EventsWindow(QWidget *parent)
    : QWidget(parent), m_tickLabel(new QLabel(this)), m_events(new QPlainTextEdit(this))
{
    setWindowTitle(tr("QHotReload: reload-events"));
#if QHOTRELOAD_ENABLED
    const LiveBuild build = QHOT_EXAMPLE_LIVE_BUILD();
    auto *hint = new QLabel(tr("Change how tick() counts in <b>%1</b>, then run<br><tt>%2</tt>")
                                    .arg(build.sourceFile(QStringLiteral("counter.cpp")).toHtmlEscaped(),
                                         build.commandLine().toHtmlEscaped()),
                            this);
#else
    auto *hint = new QLabel(tr("Hot reload is off in this build (QHOTRELOAD_ENABLED=OFF)."), this);
#endif
    hint->setWordWrap(true);
    m_events->setReadOnly(true);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(hint);
    layout->addWidget(m_tickLabel);
    layout->addWidget(m_events);
    resize(640, 400);
}

void EventsWindow::showTick(int value)
{
    m_tickLabel->setText(tr("The worker thread's last tick(): %1").arg(value));
}

void EventsWindow::appendEvent(const QString &line)
{
    m_events->appendPlainText(line);
}
