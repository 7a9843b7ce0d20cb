// SPDX-License-Identifier: MIT
#include "window.h"

#include "hotlogic.h"
#include "livebuild.h"

#include <QtWidgets/QFormLayout>
#include <QtWidgets/QLabel>
#include <QtWidgets/QPushButton>
#include <QtWidgets/QVBoxLayout>

MinimalWindow::MinimalWindow(QWidget *parent)
    : QWidget(parent),
      m_greetingLabel(new QLabel(this)),
      m_counterLabel(new QLabel(this)),
      m_versionLabel(new QLabel(this)),
      m_failureLabel(new QLabel(this))
{
    setWindowTitle(tr("QHotReload: minimal"));

#if QHOTRELOAD_ENABLED
    const LiveBuild build = QHOT_EXAMPLE_LIVE_BUILD();
    auto *hint = new QLabel(tr("Edit <b>%1</b>, then run<br><tt>%2</tt>")
                                    .arg(build.sourceFile(QStringLiteral("logic.cpp")).toHtmlEscaped(),
                                         build.commandLine().toHtmlEscaped()),
                            this);
#else
    auto *hint = new QLabel(tr("Hot reload is off in this build (QHOTRELOAD_ENABLED=OFF)."), this);
#endif
    hint->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_failureLabel->setWordWrap(true);
    m_failureLabel->setTextInteractionFlags(Qt::TextSelectableByMouse);

    auto *stepButton = new QPushButton(tr("&Step"), this);
    connect(stepButton, &QPushButton::clicked, this, &MinimalWindow::advance);

    auto *form = new QFormLayout;
    form->addRow(tr("greeting():"), m_greetingLabel);
    form->addRow(tr("Counter (app state):"), m_counterLabel);
#if QHOTRELOAD_ENABLED
    form->addRow(tr("Library version:"), m_versionLabel);
    form->addRow(tr("Last reload failure:"), m_failureLabel);
#else
    m_versionLabel->hide();
    m_failureLabel->hide();
#endif

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(hint);
    layout->addLayout(form);
    layout->addWidget(stepButton);

#if QHOTRELOAD_ENABLED
    QHotLibrary *library = hot_logic::hotModule().library();
    connect(library, &QHotLibrary::reloaded, this, &MinimalWindow::refresh);
    connect(library, &QHotLibrary::loadedChanged, this, &MinimalWindow::refresh);
    connect(library, &QHotLibrary::reloadFailed, this, [this](const QString &reason) {
        m_lastFailure = reason;
        refresh();
    });
#endif
    refresh();
}

void MinimalWindow::advance()
{
#if QHOTRELOAD_ENABLED
    if (!hot_logic::hotModule().library()->isLoaded())
        return; // a call would try to load it, and throw QHotCallError if it cannot
#endif
    m_counter = hot_logic::step(m_counter);
    refresh();
}

void MinimalWindow::refresh()
{
#if QHOTRELOAD_ENABLED
    QHotLibrary *library = hot_logic::hotModule().library();
    m_greetingLabel->setText(library->isLoaded() ? hot_logic::greeting()
                                                 : tr("(not loaded: %1)").arg(library->errorString()));
    m_versionLabel->setText(QString::number(library->version()));
    m_failureLabel->setText(m_lastFailure.isEmpty() ? tr("none") : m_lastFailure);
#else
    m_greetingLabel->setText(hot_logic::greeting());
#endif
    m_counterLabel->setText(QString::number(m_counter));
}
