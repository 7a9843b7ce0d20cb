// SPDX-License-Identifier: MIT
#include "window.h"

#include "hotworld.h"
#include "livebuild.h"
#include "statetext.h"

#include <QtWidgets/QFormLayout>
#include <QtWidgets/QLabel>
#include <QtWidgets/QPushButton>
#include <QtWidgets/QVBoxLayout>

StateWindow::StateWindow(QWidget *parent)
    : QWidget(parent),
      m_stateLabel(new QLabel(this)),
      m_problemsLabel(new QLabel(this)),
      m_libraryLabel(new QLabel(this))
{
    setWindowTitle(tr("QHotReload: serialized-state"));
#if QHOTRELOAD_ENABLED
    const LiveBuild build = QHOT_EXAMPLE_LIVE_BUILD();
    auto *hint = new QLabel(tr("Change the Walker struct in <b>%1</b> (add, remove or retype a field), "
                               "then run<br><tt>%2</tt>")
                                    .arg(build.sourceFile(QStringLiteral("world.cpp")).toHtmlEscaped(),
                                         build.commandLine().toHtmlEscaped()),
                            this);
#else
    auto *hint = new QLabel(tr("Hot reload is off in this build (QHOTRELOAD_ENABLED=OFF)."), this);
#endif
    hint->setWordWrap(true);
    for (QLabel *label : { m_stateLabel, m_problemsLabel, m_libraryLabel }) {
        label->setWordWrap(true);
        label->setTextInteractionFlags(Qt::TextSelectableByMouse);
    }

    auto *stepButton = new QPushButton(tr("&Step"), this);
    connect(stepButton, &QPushButton::clicked, this, &StateWindow::advance);

    auto *form = new QFormLayout;
    form->addRow(tr("App state:"), m_stateLabel);
    form->addRow(tr("Not carried over:"), m_problemsLabel);
    form->addRow(tr("Library:"), m_libraryLabel);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(hint);
    layout->addLayout(form);
    layout->addWidget(stepButton);

#if QHOTRELOAD_ENABLED
    QHotLibrary *library = hot_world::hotModule().library();
    connect(library, &QHotLibrary::reloaded, this, &StateWindow::refresh);
    connect(library, &QHotLibrary::reloadFailed, this, [this](const QString &reason) {
        m_lastFailure = reason;
        refresh();
    });
#endif
    refresh();
}

void StateWindow::advance()
{
#if QHOTRELOAD_ENABLED
    if (!hot_world::hotModule().library()->isLoaded())
        return; // a call would try to load it, and throw QHotCallError if it cannot
#endif
    m_state = hot_world::step(m_state);
    m_problems = hot_world::lastProblems().join(QLatin1Char('\n'));
    refresh();
}

void StateWindow::refresh()
{
    m_stateLabel->setText(stateText(m_state));
    m_problemsLabel->setText(m_problems.isEmpty() ? tr("nothing lost") : m_problems);
#if QHOTRELOAD_ENABLED
    QHotLibrary *library = hot_world::hotModule().library();
    QString text = library->isLoaded()
            ? tr("version %1, %2 steps served").arg(library->version()).arg(hot_world::stepsServed())
            : tr("not loaded: %1").arg(library->errorString());
    if (!m_lastFailure.isEmpty())
        text += QLatin1Char('\n') + tr("last refused: %1").arg(m_lastFailure);
    m_libraryLabel->setText(text);
#else
    m_libraryLabel->setText(tr("linked in statically, %1 steps served").arg(hot_world::stepsServed()));
#endif
}
