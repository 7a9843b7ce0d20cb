// SPDX-License-Identifier: MIT
#include "window.h"

#include "buildsetup.h"

#include <QHotLibrary>

#include <QtWidgets/QFormLayout>
#include <QtWidgets/QLabel>
#include <QtWidgets/QPushButton>
#include <QtWidgets/QVBoxLayout>

MinimalWindow::MinimalWindow(QHotLibrary *library, QWidget *parent)
    : QWidget(parent),
      m_library(library),
      m_logic(*library),
      m_greetingLabel(new QLabel(this)),
      m_counterLabel(new QLabel(this)),
      m_versionLabel(new QLabel(this)),
      m_failureLabel(new QLabel(this))
{
    setWindowTitle(tr("QHotReload: minimal"));

    auto *hint = new QLabel(tr("Edit <b>%1</b>, then run<br><tt>%2</tt>")
                                    .arg(BuildSetup::sourceFile().toHtmlEscaped(),
                                         BuildSetup::buildCommandLine().toHtmlEscaped()),
                            this);
    hint->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_failureLabel->setWordWrap(true);
    m_failureLabel->setTextInteractionFlags(Qt::TextSelectableByMouse);

    auto *stepButton = new QPushButton(tr("&Step"), this);
    connect(stepButton, &QPushButton::clicked, this, &MinimalWindow::advance);

    auto *form = new QFormLayout;
    form->addRow(tr("greeting():"), m_greetingLabel);
    form->addRow(tr("Counter (app state):"), m_counterLabel);
    form->addRow(tr("Library version:"), m_versionLabel);
    form->addRow(tr("Last reload failure:"), m_failureLabel);

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(hint);
    layout->addLayout(form);
    layout->addWidget(stepButton);

    connect(m_library, &QHotLibrary::reloaded, this, &MinimalWindow::refresh);
    connect(m_library, &QHotLibrary::loadedChanged, this, &MinimalWindow::refresh);
    connect(m_library, &QHotLibrary::reloadFailed, this, [this](const QString &reason) {
        m_lastFailure = reason;
        refresh();
    });
    refresh();
}

void MinimalWindow::advance()
{
    m_counter = m_logic.step(m_counter);
    refresh();
}

void MinimalWindow::refresh()
{
    m_greetingLabel->setText(m_library->isLoaded()
                                     ? m_logic.greeting()
                                     : tr("(not loaded: %1)").arg(m_library->errorString()));
    m_counterLabel->setText(QString::number(m_counter));
    m_versionLabel->setText(QString::number(m_library->version()));
    m_failureLabel->setText(m_lastFailure.isEmpty() ? tr("none") : m_lastFailure);
}
