// SPDX-License-Identifier: MIT
#include <QHotReload/qhotform.h>

#include <QHotReload/qhotreloadindicator.h>
#include <QHotReload/qhotwidget.h>

#include "formvalues_p.h"
#include "uicheck_p.h"
#include "widgetslogging_p.h"

#include <QtCore/QBuffer>
#include <QtCore/QCryptographicHash>
#include <QtCore/QDir>
#include <QtCore/QElapsedTimer>
#include <QtCore/QFile>
#include <QtCore/QFileInfo>
#include <QtCore/QFileSystemWatcher>
#include <QtCore/QPointer>
#include <QtCore/QTimer>
#include <QtUiTools/QUiLoader>
#include <QtWidgets/QVBoxLayout>

using namespace QHotReload::Internal;

namespace {

// How long a file that cannot be loaded must stay unchanged before it is
// reported: longer for one cut short (most likely still being written). A
// file that is complete XML is whole: if QUiLoader rejects it, say so now.
constexpr int CutShortSettleMs = 1500;
constexpr int InvalidSettleMs = 300;
constexpr int RejectedSettleMs = 0;
// Polling while a file is not loadable: quick at first, backing off.
constexpr int FirstPollMs = 2;
constexpr int MaxPollMs = 50;

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
    void rearm();
    void scheduleCheck(int delayMs);
    void check();
    //! Loads \a bytes; on success installs the form. Otherwise returns false with \a reason.
    bool take(const QByteArray &bytes, const QByteArray &identity, QString *reason);
    void setError(const QString &error);
    QString describe(const QString &what) const;

    QHotForm *q_ptr;
    QVBoxLayout *layout = nullptr;
    FormLoader *loader = nullptr;
    QFileSystemWatcher watcher;
    QTimer checkTimer;
    int pollDelayMs = FirstPollMs;

    QString filePath;
    QString dirPath;
    QPointer<QWidget> form;
    QByteArray currentIdentity;
    QByteArray rejectedIdentity;
    QString error;
    bool keepValues = true;

    // A file looked at and not loaded yet, waiting to settle.
    struct Candidate
    {
        QByteArray identity;
        QString reason;
        int settleMs = 0;
        QElapsedTimer since;
    } candidate;
};

QHotFormPrivate::QHotFormPrivate(QHotForm *q)
    : q_ptr(q)
{
    layout = new QVBoxLayout(q);
    layout->setContentsMargins(0, 0, 0, 0);
    loader = new FormLoader(q);
    checkTimer.setSingleShot(true);
    QObject::connect(&checkTimer, &QTimer::timeout, q, [this] { check(); });
    const auto changed = [this](const QString &path) {
        qCDebug(lcForm) << "changed:" << path;
        rearm();
        // Many notifications for one save are one look.
        pollDelayMs = FirstPollMs;
        scheduleCheck(0);
    };
    QObject::connect(&watcher, &QFileSystemWatcher::fileChanged, q, changed);
    QObject::connect(&watcher, &QFileSystemWatcher::directoryChanged, q, changed);
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
    const QStringList watched = watcher.files() + watcher.directories();
    if (!watched.isEmpty())
        watcher.removePaths(watched);
    if (filePath.isEmpty()) {
        dirPath.clear();
        return;
    }
    dirPath = QFileInfo(filePath).absolutePath();
    rearm();
}

// A save by rename puts a new file (inode) under the path and the file's
// watch is gone with the old one: renew it on every change. The directory's
// watch sees the new file arrive.
void QHotFormPrivate::rearm()
{
    if (filePath.isEmpty())
        return;
    if (!watcher.directories().contains(dirPath) && QFileInfo::exists(dirPath) && !watcher.addPath(dirPath))
        qCWarning(lcForm) << "cannot watch directory" << dirPath;
    if (QFileInfo::exists(filePath)) {
        if (watcher.files().contains(filePath))
            watcher.removePath(filePath);
        if (!watcher.addPath(filePath))
            qCWarning(lcForm) << "cannot watch" << filePath;
    }
}

void QHotFormPrivate::scheduleCheck(int delayMs)
{
    if (!checkTimer.isActive() || checkTimer.remainingTime() > delayMs)
        checkTimer.start(delayMs);
}

void QHotFormPrivate::check()
{
    Q_Q(QHotForm);
    QFile file(filePath);
    if (!file.open(QIODevice::ReadOnly)) {
        // Gone for a moment (a rename on its way): the directory watch calls again.
        candidate = {};
        return;
    }
    const QByteArray bytes = file.readAll();
    file.close();
    const QByteArray id = QCryptographicHash::hash(bytes, QCryptographicHash::Sha1);
    if (id == currentIdentity || id == rejectedIdentity) {
        candidate = {};
        return; // touched, saved unchanged, or already reported
    }
    if (candidate.identity == id) {
        if (candidate.since.elapsed() >= candidate.settleMs) {
            // Unchanged for long enough: not a file on its way, a broken one.
            rejectedIdentity = id;
            const QString reason = candidate.reason;
            candidate = {};
            qCWarning(lcForm).noquote() << "form not reloaded:" << reason;
            setError(reason);
            Q_EMIT q->formFailed(reason);
            return;
        }
    } else {
        QString reason;
        int settle = InvalidSettleMs;
        const UiCheck ui = checkUi(bytes);
        if (ui.state == UiCheck::Complete) {
            if (take(bytes, id, &reason)) {
                candidate = {};
                rejectedIdentity.clear();
                Q_EMIT q->formReloaded();
                return;
            }
            settle = RejectedSettleMs;
        } else {
            reason = describe(QStringLiteral("is not a complete .ui file: %1").arg(ui.reason));
            if (ui.state == UiCheck::CutShort)
                settle = CutShortSettleMs;
            qCDebug(lcForm).noquote() << reason << "- looking again";
        }
        candidate.identity = id;
        candidate.reason = reason;
        candidate.settleMs = settle;
        candidate.since.start();
    }
    scheduleCheck(pollDelayMs);
    pollDelayMs = qMin(MaxPollMs, qMax(FirstPollMs, pollDelayMs * 2));
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
    d->candidate = {};
    d->checkTimer.stop();
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
            d->scheduleCheck(FirstPollMs); // it may be being written right now
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
