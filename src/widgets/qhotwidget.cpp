// SPDX-License-Identifier: MIT
#include <QHotReload/qhotwidget.h>

#include "hotfactory_p.h"
#include "widgetslogging_p.h"

#include <QHotReload/qhotstate.h>

#include <QtCore/QDir>
#include <QtCore/QPointer>
#include <QtWidgets/QLabel>
#include <QtWidgets/QVBoxLayout>

#include <functional>

using namespace QHotReload::Internal;

class QHotWidgetPrivate
{
    Q_DECLARE_PUBLIC(QHotWidget)

public:
    explicit QHotWidgetPrivate(QHotWidget *q);

    void setLibrary(QHotLibrary *library, bool owned);
    void attach();
    void detach();
    void createChild();
    void destroyChild();
    void deleteExtras();
    void installGuard();
    void dropGuard();
    void versionGone();
    void showPlaceholder(const QString &text, bool isError);
    void setError(const QString &error, bool warn = true);
    void showPreview();
    QString libraryPath() const;

    // Library signals.
    void onAboutToReload();
    void onReloaded();
    void onReloadFailed(const QString &reason);
    void onLoadedChanged();

    QHotWidget *q_ptr;
    QVBoxLayout *layout = nullptr;
    QLabel *placeholder = nullptr;

    QPointer<QHotLibrary> library;
    QHotLibrary *ownedLibrary = nullptr;
    QString libraryFile;
    QString factoryName;
    // Set for a factory declared in a QHotModule; otherwise the factory is
    // looked up by name in each version's manifest.
    std::function<QWidget *(QWidget *)> declaredFactory;
    QList<QMetaObject::Connection> connections;

    QPointer<QWidget> child;
    const void *childModule = nullptr;      // the library copy the child's code is in
    QList<QPointer<QObject>> extras;        // other objects the factory parented to us
    QPointer<QObject> guard;                // child of the child's version root
    QVariantMap saved;
    bool waitingForSwap = false;            // child deleted at aboutToReload, not made again yet
    QString error;
    bool previewOnly = false;
};

QHotWidgetPrivate::QHotWidgetPrivate(QHotWidget *q)
    : q_ptr(q)
{
    layout = new QVBoxLayout(q);
    layout->setContentsMargins(0, 0, 0, 0);
    placeholder = new QLabel(q);
    placeholder->setObjectName(QStringLiteral("qhotwidget-placeholder"));
    placeholder->setAlignment(Qt::AlignCenter);
    placeholder->setWordWrap(true);
    placeholder->setTextFormat(Qt::PlainText);
    placeholder->setTextInteractionFlags(Qt::TextSelectableByMouse);
    layout->addWidget(placeholder);
}

QString QHotWidgetPrivate::libraryPath() const
{
    return library ? QDir::toNativeSeparators(library->fileName()) : QStringLiteral("QHotWidget");
}

void QHotWidgetPrivate::setError(const QString &e, bool warn)
{
    Q_Q(QHotWidget);
    if (error == e)
        return;
    error = e;
    if (!e.isEmpty() && warn)
        qCWarning(lcHotWidget).noquote() << e;
    Q_EMIT q->errorStringChanged();
}

void QHotWidgetPrivate::showPlaceholder(const QString &text, bool isError)
{
    placeholder->setText(text);
    QPalette palette = placeholder->parentWidget()->palette();
    if (isError)
        palette.setColor(QPalette::WindowText, QColor(0xb0, 0x20, 0x20));
    placeholder->setPalette(palette);
    placeholder->show();
}

void QHotWidgetPrivate::setLibrary(QHotLibrary *lib, bool owned)
{
    Q_Q(QHotWidget);
    if (lib == library && (ownedLibrary == lib) == owned)
        return;
    destroyChild();
    detach();
    if (ownedLibrary && ownedLibrary != lib)
        delete ownedLibrary;
    ownedLibrary = owned ? lib : nullptr;
    library = lib;
    waitingForSwap = false;
    if (library) {
        attach();
        if (!library->isLoaded())
            library->load(); // failure: createChild() shows why; the library keeps watching
        createChild();
    } else {
        setError(QString());
        showPlaceholder(QString(), false);
    }
    Q_EMIT q->libraryChanged();
}

void QHotWidgetPrivate::attach()
{
    Q_Q(QHotWidget);
    QHotLibrary *lib = library;
    connections << QObject::connect(lib, &QHotLibrary::aboutToReload, q, [this] { onAboutToReload(); });
    connections << QObject::connect(lib, &QHotLibrary::reloaded, q, [this] { onReloaded(); });
    connections << QObject::connect(lib, &QHotLibrary::reloadFailed, q,
                                    [this](const QString &reason) { onReloadFailed(reason); });
    connections << QObject::connect(lib, &QHotLibrary::loadedChanged, q, [this] { onLoadedChanged(); });
    connections << QObject::connect(lib, &QObject::destroyed, q, [this] {
        // The child went with the library's last version (guard); say so.
        Q_Q(QHotWidget);
        destroyChild();
        connections.clear();
        ownedLibrary = nullptr;
        setError(QStringLiteral("QHotWidget: the hot library was destroyed"));
        showPlaceholder(error, true);
        Q_EMIT q->libraryChanged();
    });
}

void QHotWidgetPrivate::detach()
{
    for (const QMetaObject::Connection &c : std::as_const(connections))
        QObject::disconnect(c);
    connections.clear();
}

void QHotWidgetPrivate::showPreview()
{
    const QString notSet = QStringLiteral("(not set)");
    showPlaceholder(QStringLiteral("QHotWidget\nfactory: %1\nlibrary: %2\n(made when the application runs)")
                            .arg(factoryName.isEmpty() ? notSet : factoryName,
                                 libraryFile.isEmpty() ? notSet : libraryFile),
                    false);
}

void QHotWidgetPrivate::createChild()
{
    Q_Q(QHotWidget);
    if (child)
        return;
    if (previewOnly) {
        showPreview();
        return;
    }
    if (!library) {
        showPlaceholder(error, !error.isEmpty());
        return;
    }
    if (!library->isLoaded()) {
        setError(library->errorString().isEmpty() ? libraryPath() + QStringLiteral(" is not loaded")
                                                  : library->errorString());
        showPlaceholder(error, true);
        return;
    }
    if (!declaredFactory && factoryName.isEmpty()) {
        // Not a warning: a .ui file sets libraryFile before factory.
        setError(QStringLiteral("QHotWidget: no factory set for %1").arg(libraryPath()), false);
        showPlaceholder(error, true);
        return;
    }

    QString why;
    std::function<QWidget *(QWidget *)> make = declaredFactory;
    if (!make) {
        QString notFound;
        if (auto *f = findFactory<QWidget *(QWidget *)>(library.data(), factoryName, "a widget factory", &notFound))
            make = f;
        else
            why = libraryPath() + QLatin1Char(' ') + notFound;
    }
    QWidget *w = nullptr;
    if (make) {
        const QObjectList before = q->children();
        try {
            w = make(q);
        } catch (const std::exception &e) {
            why = QStringLiteral("%1: the factory '%2' threw: %3")
                          .arg(libraryPath(), factoryName, QString::fromLocal8Bit(e.what()));
        } catch (...) {
            why = QStringLiteral("%1: the factory '%2' threw an unknown exception").arg(libraryPath(), factoryName);
        }
        // Whatever else the factory hung on us is the version's too.
        const QObjectList after = q->children();
        for (QObject *o : after) {
            if (o != w && !before.contains(o))
                extras.append(o);
        }
        if (!w && why.isEmpty())
            why = QStringLiteral("%1: the factory '%2' returned no widget").arg(libraryPath(), factoryName);
    }
    if (!w) {
        deleteExtras();
        setError(why);
        showPlaceholder(why, true);
        return;
    }

    if (w->parentWidget() != q)
        w->setParent(q);
    // Added properties keep their default; the others are logged by name.
    QHotReload::assignFromVariantMap(w, saved, &QWidget::staticMetaObject);
    placeholder->hide();
    layout->addWidget(w);
    if (!(w->isHidden() && w->testAttribute(Qt::WA_WState_ExplicitShowHide)))
        w->show();
    child = w;
    childModule = loadedModule(library);
    installGuard();
    setError(QString());
    qCDebug(lcHotWidget) << "made" << w << "with" << factoryName << "of version" << library->version();
    Q_EMIT q->widgetChanged();
}

void QHotWidgetPrivate::destroyChild()
{
    Q_Q(QHotWidget);
    dropGuard();
    const bool hadChild = child;
    if (child) {
        QStringList dropped;
        saved = carriedProperties(child.data(), &QWidget::staticMetaObject, childModule, &dropped);
        for (const QString &problem : std::as_const(dropped))
            qCWarning(lcHotWidget).noquote() << problem;
        QWidget *w = child;
        child = nullptr;
        layout->removeWidget(w);
        // Now, not deleteLater(): its code may be unloaded before the event loop runs.
        delete w;
    }
    deleteExtras();
    childModule = nullptr;
    if (hadChild)
        Q_EMIT q->widgetChanged();
}

void QHotWidgetPrivate::deleteExtras()
{
    const QList<QPointer<QObject>> objects = std::exchange(extras, {});
    for (const QPointer<QObject> &o : objects)
        delete o.data();
}

// A QObject child of the version root the child's code belongs to. The core
// deletes that root just before it unloads the version (a swap, unload(), the
// library's destruction): the child goes then, whatever path led there.
void QHotWidgetPrivate::installGuard()
{
    Q_Q(QHotWidget);
    dropGuard();
    QObject *root = loadedVersionRoot(library);
    if (!root)
        return;
    guard = new QObject(root);
    guard->setObjectName(QStringLiteral("qhotwidget-guard"));
    QObject::connect(guard, &QObject::destroyed, q, [this] { versionGone(); }, Qt::DirectConnection);
}

void QHotWidgetPrivate::dropGuard()
{
    Q_Q(QHotWidget);
    if (!guard)
        return;
    QObject *g = guard;
    guard = nullptr;
    QObject::disconnect(g, nullptr, q, nullptr);
    delete g;
}

void QHotWidgetPrivate::versionGone()
{
    guard = nullptr;
    if (!child && extras.isEmpty())
        return;
    qCDebug(lcHotWidget) << "the child's version is being unloaded; deleting the child";
    destroyChild();
    waitingForSwap = true;
    showPlaceholder(QStringLiteral("%1: reloading…").arg(libraryPath()), false);
}

void QHotWidgetPrivate::onAboutToReload()
{
    destroyChild();
    waitingForSwap = true;
    showPlaceholder(QStringLiteral("%1: reloading…").arg(libraryPath()), false);
}

void QHotWidgetPrivate::onReloaded()
{
    waitingForSwap = false;
    if (!child)
        createChild();
}

void QHotWidgetPrivate::onReloadFailed(const QString &reason)
{
    if (waitingForSwap) {
        // The swap announced by aboutToReload was abandoned (the running
        // version's save hook threw): the running version makes the child
        // again. Should another swap still be pending, the guard deletes this
        // child before it, and reloaded() makes the next one.
        waitingForSwap = false;
        createChild();
    } else if (!child) {
        setError(reason);
        showPlaceholder(reason, true);
    }
}

void QHotWidgetPrivate::onLoadedChanged()
{
    if (library->isLoaded()) {
        if (!child)
            createChild();
        return;
    }
    destroyChild();
    waitingForSwap = false;
    setError(library->errorString().isEmpty() ? libraryPath() + QStringLiteral(" is not loaded")
                                              : library->errorString());
    showPlaceholder(error, true);
}

// --- QHotWidget -------------------------------------------------------------------

QHotWidget::QHotWidget(QWidget *parent)
    : QWidget(parent)
    , d_ptr(std::make_unique<QHotWidgetPrivate>(this))
{
}

QHotWidget::QHotWidget(QHotLibrary *library, const QString &factory, QWidget *parent)
    : QHotWidget(parent)
{
    Q_D(QHotWidget);
    d->factoryName = factory;
    d->setLibrary(library, false);
}

QHotWidget::QHotWidget(QHotModule &module, const QHotFunction<Factory> &factory, QWidget *parent)
    : QHotWidget(parent)
{
    Q_D(QHotWidget);
    d->factoryName = QString::fromUtf8(factory.name());
    // A declared function lives as long as its module: a reference is enough.
    d->declaredFactory = [&factory](QWidget *p) { return factory(p); };
    QHotLibrary *lib = module.library();
    if (!lib) {
        d->setError(QStringLiteral("QHotWidget: the module of '%1' has no library (no QCoreApplication)")
                            .arg(d->factoryName));
        d->showPlaceholder(d->error, true);
        return;
    }
    d->setLibrary(lib, false);
}

void QHotWidget::showStaticWidget(QWidget *widget)
{
    Q_D(QHotWidget);
    if (!widget) {
        d->setError(QStringLiteral("QHotWidget: the factory returned no widget"));
        d->showPlaceholder(d->error, true);
        return;
    }
    if (widget->parentWidget() != this)
        widget->setParent(this);
    d->placeholder->hide();
    d->layout->addWidget(widget);
    widget->show();
    d->child = widget;
    Q_EMIT widgetChanged();
}

QHotWidget::~QHotWidget()
{
    Q_D(QHotWidget);
    d->detach();
    d->dropGuard();
    // The child's code is in the library: the child goes first.
    delete d->child.data();
    d->deleteExtras();
    delete d->ownedLibrary;
}

QString QHotWidget::libraryFile() const
{
    Q_D(const QHotWidget);
    return d->libraryFile;
}

void QHotWidget::setLibraryFile(const QString &fileName)
{
    Q_D(QHotWidget);
    if (fileName == d->libraryFile)
        return;
    d->libraryFile = fileName;
    if (d->previewOnly)
        d->showPreview();
    else
        d->setLibrary(fileName.isEmpty() ? nullptr : new QHotLibrary(fileName, this), true);
    Q_EMIT libraryFileChanged();
}

QString QHotWidget::factory() const
{
    Q_D(const QHotWidget);
    return d->factoryName;
}

void QHotWidget::setFactory(const QString &name)
{
    Q_D(QHotWidget);
    if (name == d->factoryName && !d->declaredFactory)
        return;
    d->factoryName = name;
    d->declaredFactory = {};
    d->destroyChild();
    d->createChild();
    Q_EMIT factoryChanged();
}

QHotLibrary *QHotWidget::library() const
{
    Q_D(const QHotWidget);
    return d->library;
}

void QHotWidget::setLibrary(QHotLibrary *library)
{
    Q_D(QHotWidget);
    if (!d->libraryFile.isEmpty()) {
        d->libraryFile.clear();
        Q_EMIT libraryFileChanged();
    }
    d->setLibrary(library, false);
}

QWidget *QHotWidget::widget() const
{
    Q_D(const QHotWidget);
    return d->child;
}

QString QHotWidget::errorString() const
{
    Q_D(const QHotWidget);
    return d->error;
}

QVariantMap QHotWidget::savedProperties() const
{
    Q_D(const QHotWidget);
    return d->saved;
}

bool QHotWidget::isPreviewOnly() const
{
    Q_D(const QHotWidget);
    return d->previewOnly;
}

void QHotWidget::setPreviewOnly(bool previewOnly)
{
    Q_D(QHotWidget);
    if (previewOnly == d->previewOnly)
        return;
    d->previewOnly = previewOnly;
    if (previewOnly) {
        if (d->ownedLibrary)
            d->setLibrary(nullptr, true);
        d->destroyChild();
        d->showPreview();
    } else if (!d->libraryFile.isEmpty()) {
        d->setLibrary(new QHotLibrary(d->libraryFile, this), true);
    } else {
        d->createChild();
    }
    Q_EMIT previewOnlyChanged();
}

void QHotWidget::recreate()
{
    Q_D(QHotWidget);
    d->destroyChild();
    d->createChild();
}
