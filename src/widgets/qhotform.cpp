// SPDX-License-Identifier: MIT
#include <QHotReload/qhotform.h>

#include <QHotReload/qhotreloadindicator.h>
#include <QHotReload/qhotwidget.h>

#include "formvalues_p.h"
#include "settle_p.h"
#include "uicheck_p.h"
#include "watcher_p.h"
#include "widgetslogging_p.h"

#include <QtCore/QBuffer>
#include <QtCore/QCryptographicHash>
#include <QtCore/QDir>
#include <QtCore/QFile>
#include <QtCore/QFileInfo>
#include <QtCore/QPointer>
#include <QtCore/QTimer>
#include <QtUiTools/QUiLoader>
#include <QtWidgets/QVBoxLayout>

using namespace QHotReload::Internal;

namespace {

// QUiLoader knows Qt's widgets and designer plugins; ours are added here so
// a .ui file can use them as promoted widgets.
class FormLoader : public QUiLoader
{
public:
    using QUiLoader::QUiLoader;

    QWidget *createWidget(const QString &className, QWidget *parent, const QString &name) override
    {
        QWidget *w = nullptr;
        if (className == QLatin1String("QHotWidget"))
            w = new QHotWidget(parent);
        else if (className == QLatin1String("QHotReloadIndicator"))
            w = new QHotReloadIndicator(parent);
        if (!w)
            return QUiLoader::createWidget(className, parent, name);
        w->setObjectName(name);
        return w;
    }
};

} // namespace

class QHotFormPrivate
{
    Q_DECLARE_PUBLIC(QHotForm)

public:
    explicit QHotFormPrivate(QHotForm *q);

    void watch();
    void follow(const Settle::Step &step);
    void check();
    //! Loads \a bytes; on success installs the form. Otherwise returns false with \a reason.
    bool take(const QByteArray &bytes, const QByteArray &identity, QString *reason);
    void refuse(const QByteArray &identity, const QString &reason);
    void setError(const QString &error);
    QString describe(const QString &what) const;

    QHotForm *q_ptr;
    QVBoxLayout *layout = nullptr;
    FormLoader *loader = nullptr;
    // The reload path's own follow and settle stages (src/core): the kernel's
    // word on when a writer is done where there is one, the same rules for
    // a file that stays cut short or broken. A .ui file that is complete XML
    // is whole, so no quiet period.
    FileWatcher watcher;
    Settle settle{{}, 0};
    QTimer checkTimer;

    QString filePath;
    QString dirPath;
    QPointer<QWidget> form;
    QByteArray currentIdentity;
    QByteArray rejectedIdentity;
    QString error;
    bool keepValues = true;
};

QHotFormPrivate::QHotFormPrivate(QHotForm *q)
    : q_ptr(q)
{
    layout = new QVBoxLayout(q);
    layout->setContentsMargins(0, 0, 0, 0);
    loader = new FormLoader(q);
    checkTimer.setSingleShot(true);
    QObject::connect(&checkTimer, &QTimer::timeout, q, [this] { check(); });
    QObject::connect(&watcher, &FileWatcher::changed, q, [this](FileWatcher::Change change) {
        qCDebug(lcForm) << "changed:" << filePath << change;
        follow(settle.changed(change));
    });
}

QString QHotFormPrivate::describe(const QString &what) const
{
    return QDir::toNativeSeparators(filePath) + QLatin1Char(' ') + what;
}

void QHotFormPrivate::setError(const QString &e)
{
    Q_Q(QHotForm);
    if (error == e)
        return;
    error = e;
    Q_EMIT q->errorStringChanged();
}

void QHotFormPrivate::watch()
{
    watcher.stop();
    settle.reset();
    checkTimer.stop();
    if (filePath.isEmpty()) {
        dirPath.clear();
        return;
    }
    dirPath = QFileInfo(filePath).absolutePath();
    watcher.watch(filePath);
    settle.setKernel(watcher.mode() == FileWatcher::Mode::Kernel);
}

void QHotFormPrivate::follow(const Settle::Step &step)
{
    switch (step.kind) {
    case Settle::Step::Wait:
        checkTimer.stop();
        return;
    case Settle::Step::LookIn:
        // Many notifications for one save are one look.
        if (!checkTimer.isActive() || checkTimer.remainingTime() > step.delayMs)
            checkTimer.start(step.delayMs);
        return;
    case Settle::Step::Take:
    case Settle::Step::Refuse:
        return; // check() acts on these: it holds the bytes
    case Settle::Step::Keep:
        return; // a change beside the file: a look already planned stays
    }
}

void QHotFormPrivate::check()
{
    Q_Q(QHotForm);
    Settle::Look look;
    QFile file(filePath);
    QByteArray bytes;
    if (file.open(QIODevice::ReadOnly)) {
        look.exists = true;
        look.writerAtIt = openWriter(file) == OpenWriter::Open;
        if (!look.writerAtIt)
            bytes = file.readAll();
        file.close();
    }
    // Gone for a moment (a rename on its way): the watcher says when it is back.
    const QByteArray id = QCryptographicHash::hash(bytes, QCryptographicHash::Sha1);
    look.identity = id;
    look.known = id == currentIdentity || id == rejectedIdentity; // touched, unchanged, or reported
    UiCheck ui;
    if (look.exists && !look.writerAtIt && !look.known) {
        ui = checkUi(bytes);
        look.takeable = ui.state == UiCheck::Complete;
        // An empty form is a save on its way, as a cut-short one: the same
        // settle time (not the long one a linker's empty output gets).
        look.incomplete = ui.state == UiCheck::CutShort || bytes.isEmpty();
        if (!look.takeable) {
            look.reason = describe(QStringLiteral("is not a complete .ui file: %1").arg(ui.reason));
            qCDebug(lcForm).noquote() << look.reason << "- looking again";
        }
    }
    const Settle::Step step = settle.looked(look);
    if (step.kind == Settle::Step::Take) {
        // Final bytes: a complete form is loaded, anything else reported now.
        QString reason = look.reason;
        if (look.takeable && take(bytes, id, &reason)) {
            rejectedIdentity.clear();
            Q_EMIT q->formReloaded();
            return;
        }
        refuse(id, reason);
        return;
    }
    if (step.kind == Settle::Step::Refuse) {
        // Unchanged for long enough: not a file on its way, a broken one.
        refuse(id, step.reason);
        return;
    }
    follow(step);
}

void QHotFormPrivate::refuse(const QByteArray &identity, const QString &reason)
{
    Q_Q(QHotForm);
    rejectedIdentity = identity;
    qCWarning(lcForm).noquote() << "form not reloaded:" << reason;
    setError(reason);
    Q_EMIT q->formFailed(reason);
}

bool QHotFormPrivate::take(const QByteArray &bytes, const QByteArray &identity, QString *reason)
{
    Q_Q(QHotForm);
    QBuffer buffer;
    buffer.setData(bytes);
    buffer.open(QIODevice::ReadOnly);
    loader->setWorkingDirectory(QDir(dirPath));
    QWidget *next = loader->load(&buffer, q);
    if (!next) {
        const QString loaderError = loader->errorString();
        *reason = describe(QStringLiteral("cannot be loaded: %1")
                                   .arg(loaderError.isEmpty() ? QStringLiteral("QUiLoader made no widget") : loaderError));
        return false;
    }
    // A form whose top level is a dialog or main window is shown inside us.
    next->setWindowFlags(Qt::Widget);
    if (form && keepValues) {
        const int kept = restoreFormValues(next, saveFormValues(form));
        qCDebug(lcForm) << "kept the values of" << kept << "widget(s)";
    }
    if (QWidget *old = form) {
        layout->removeWidget(old);
        old->hide();
        // Later, not now: this may run inside a nested event loop started by
        // one of the old form's own handlers. Out of our children at once, so
        // findChild() sees only the new form.
        old->setParent(nullptr);
        old->deleteLater();
    }
    layout->addWidget(next);
    next->show();
    form = next;
    currentIdentity = identity;
    setError(QString());
    Q_EMIT q->formChanged();
    return true;
}

// --- QHotForm ------------------------------------------------------------------------

QHotForm::QHotForm(QWidget *parent)
    : QWidget(parent)
    , d_ptr(std::make_unique<QHotFormPrivate>(this))
{
}

QHotForm::QHotForm(const QString &fileName, QWidget *parent)
    : QHotForm(parent)
{
    setFileName(fileName);
}

QHotForm::~QHotForm() = default;

QString QHotForm::fileName() const
{
    Q_D(const QHotForm);
    return d->filePath;
}

void QHotForm::setFileName(const QString &fileName)
{
    Q_D(QHotForm);
    const QString path = fileName.isEmpty() ? QString() : QFileInfo(fileName).absoluteFilePath();
    if (path == d->filePath)
        return;
    d->filePath = path;
    d->currentIdentity.clear();
    d->rejectedIdentity.clear();
    d->watch();
    Q_EMIT fileNameChanged();
    if (!path.isEmpty())
        load();
}

bool QHotForm::load()
{
    Q_D(QHotForm);
    if (d->filePath.isEmpty()) {
        d->setError(QStringLiteral("QHotForm::load: no file name set"));
        return false;
    }
    QFile file(d->filePath);
    if (!file.open(QIODevice::ReadOnly)) {
        d->setError(d->describe(QStringLiteral("cannot be read: %1").arg(file.errorString())));
        return false;
    }
    const QByteArray bytes = file.readAll();
    const QByteArray id = QCryptographicHash::hash(bytes, QCryptographicHash::Sha1);
    if (id == d->currentIdentity && d->form)
        return true;
    const UiCheck ui = checkUi(bytes);
    QString reason;
    if (ui.state != UiCheck::Complete) {
        reason = d->describe(QStringLiteral("is not a complete .ui file: %1").arg(ui.reason));
        if (ui.state == UiCheck::CutShort)
            d->follow(d->settle.startedIncomplete()); // it may be being written right now
    } else if (d->take(bytes, id, &reason)) {
        return true;
    }
    d->setError(reason);
    return false;
}

QWidget *QHotForm::form() const
{
    Q_D(const QHotForm);
    return d->form;
}

QString QHotForm::errorString() const
{
    Q_D(const QHotForm);
    return d->error;
}

bool QHotForm::keepValues() const
{
    Q_D(const QHotForm);
    return d->keepValues;
}

void QHotForm::setKeepValues(bool keep)
{
    Q_D(QHotForm);
    if (keep == d->keepValues)
        return;
    d->keepValues = keep;
    Q_EMIT keepValuesChanged();
}

QUiLoader *QHotForm::loader() const
{
    Q_D(const QHotForm);
    return d->loader;
}
